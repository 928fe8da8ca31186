using System.Text;
using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using MediatR;

namespace Assignment3.Domain.UseCases;

/// <summary>
/// The demo sequence on the data bucket: clean up, create assignment1.txt (18 B), update it (27 B), delete it,
/// create assignment2.txt (2 B), then ask for a chart covering all of it.
/// </summary>
/// <param name="DataBucketName">The tracked bucket the demo writes to.</param>
public sealed record RunDemo(string DataBucketName) : IRequest<DemoReport>;

/// <summary>How patiently the demo waits for the size tracking to catch up with each change.</summary>
/// <param name="PollInterval">Pause between two looks at the history.</param>
/// <param name="StepTimeout">How long one change may take to show up before the demo fails.</param>
public sealed record DemoSettings(TimeSpan PollInterval, TimeSpan StepTimeout)
{
    /// <summary>Fits both the local run (milliseconds) and EventBridge plus Lambda (a second or two).</summary>
    public static DemoSettings Default { get; } = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(30));
}

/// <summary>One change of the demo and the record that showed it.</summary>
/// <param name="Description">What the demo did.</param>
/// <param name="Observed">The history record that reflects the change.</param>
public sealed record DemoStep(string Description, SizeRecord Observed);

/// <summary>Everything the demo saw, in order, and the chart it asked for.</summary>
public sealed record DemoReport(IReadOnlyList<DemoStep> Steps, SizeChartResult.Rendered Chart)
{
    /// <summary>The observed sizes in order, e.g. "0 → 18 → 27 → 0 → 2".</summary>
    public string SizeSequence => Sequence(Steps);

    /// <summary>The sizes of <paramref name="steps"/> in order, joined by arrows.</summary>
    public static string Sequence(IEnumerable<DemoStep> steps) => string.Join(" → ", steps.Select(s => s.Observed.TotalSize));
}

/// <summary>Published as soon as a step shows up in the history, so callers can report progress as it happens.</summary>
/// <param name="Step">The step and its record.</param>
/// <param name="Number">The step's number, from 1.</param>
/// <param name="Total">How many steps the demo has.</param>
public sealed record DemoStepObserved(DemoStep Step, int Number, int Total) : INotification;

/// <summary>The demo's step did not show up in the history in time.</summary>
public sealed class DemoStepTimeoutException(string message) : TimeoutException(message);

/// <summary>
/// Every step showed up, but the chart could not be had: the demo failed, and what it saw is kept here (and in the
/// message) rather than lost with it.
/// </summary>
public sealed class DemoChartMissingException(IReadOnlyList<DemoStep> steps, string reason, Exception? cause = null)
    : Exception($"the demo saw {DemoReport.Sequence(steps)}, but its chart is missing: {reason}", cause)
{
    /// <summary>The steps the demo observed, in order.</summary>
    public IReadOnlyList<DemoStep> Steps { get; } = steps;

    /// <summary>The observed sizes, e.g. "0 → 18 → 27 → 0 → 2".</summary>
    public string SizeSequence => DemoReport.Sequence(Steps);

    /// <summary>Why there is no chart.</summary>
    public string Reason { get; } = reason;
}

/// <summary>Refuses a bad bucket name.</summary>
public sealed class RunDemoValidator : IRequestValidator<RunDemo>
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate(RunDemo request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return BucketNameRules.Validate(nameof(request.DataBucketName), request.DataBucketName);
    }
}

/// <summary>Makes each change, then polls the history until it shows the new state, instead of sleeping blindly.</summary>
public sealed class RunDemoHandler(
    IBlobStore blobs, IHistoryRepository history, IPlotApi plotApi, IMediator mediator, TimeProvider clock,
    DemoSettings settings) : IRequestHandler<RunDemo, DemoReport>
{
    /// <summary>The first object; its first content is 18 bytes.</summary>
    public const string FirstKey = "assignment1.txt";

    /// <summary>The second object, 2 bytes.</summary>
    public const string SecondKey = "assignment2.txt";

    private const int StepCount = 5;

    private static readonly byte[] FirstContent = Encoding.ASCII.GetBytes("Empty Assignment 1");
    private static readonly byte[] UpdatedContent = Encoding.ASCII.GetBytes("Empty Assignment 2222222222");
    private static readonly byte[] SecondContent = Encoding.ASCII.GetBytes("33");

    /// <inheritdoc />
    public async Task<DemoReport> Handle(RunDemo request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var bucket = request.DataBucketName;
        var steps = new List<DemoStep>();

        async Task Step(string description, int objects, long bytes, Func<Task> change)
        {
            // "Newer than the latest record before the change" needs no agreement between this clock and the tracker's.
            var before = await history.GetLatestAsync(bucket, cancellationToken);
            await change();
            var step = new DemoStep(description, await WaitForState(bucket, objects, bytes, before, description, steps, cancellationToken));
            steps.Add(step);
            await mediator.Publish(new DemoStepObserved(step, steps.Count, StepCount), cancellationToken);
        }

        await Step("clean up leftovers", 0, 0, () => CleanUp(bucket, cancellationToken));
        await Step($"create {FirstKey} ({FirstContent.Length} B)", 1, FirstContent.Length,
            () => Put(bucket, FirstKey, FirstContent, cancellationToken));
        await Step($"update {FirstKey} ({UpdatedContent.Length} B)", 1, UpdatedContent.Length,
            () => Put(bucket, FirstKey, UpdatedContent, cancellationToken));
        await Step($"delete {FirstKey}", 0, 0, () => blobs.DeleteAsync(bucket, [FirstKey], cancellationToken));
        await Step($"create {SecondKey} ({SecondContent.Length} B)", 1, SecondContent.Length,
            () => Put(bucket, SecondKey, SecondContent, cancellationToken));

        // Exactly the demo: from its first observed record to its last, whatever the default window is.
        var window = steps[^1].Observed.Time - steps[0].Observed.Time;
        SizeChartResult chart;
        try
        {
            chart = await plotApi.RequestChartAsync(bucket, window, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DemoChartMissingException(steps, ex.Message, ex);
        }

        return chart is SizeChartResult.Rendered rendered
            ? new DemoReport(steps, rendered)
            : throw new DemoChartMissingException(steps, chart is SizeChartResult.NoHistory missing
                ? $"the plotting API says: {missing.Message}"
                : $"the plotting API gave an unexpected result: {chart}");
    }

    private Task Put(string bucket, string key, byte[] content, CancellationToken cancellationToken) =>
        blobs.PutAsync(bucket, key, content, "text/plain", cancellationToken);

    private async Task CleanUp(string bucket, CancellationToken cancellationToken)
    {
        var leftovers = new List<string>();
        await foreach (var blob in blobs.ListAllAsync(bucket, cancellationToken))
        {
            leftovers.Add(blob.Key);
        }

        if (leftovers.Count > 0)
        {
            await blobs.DeleteAsync(bucket, leftovers, cancellationToken);
        }
        else
        {
            // An empty bucket sends no change event, yet the history must start from a visible 0.
            await mediator.Send(new RecordBucketSize(bucket), cancellationToken);
        }
    }

    private async Task<SizeRecord> WaitForState(string bucket, int objects, long bytes, SizeRecord? before,
        string description, List<DemoStep> steps, CancellationToken cancellationToken)
    {
        var started = clock.GetTimestamp();
        SizeRecord? latest;
        while (true)
        {
            latest = await history.GetLatestAsync(bucket, cancellationToken);
            if (latest is not null && (before is null || latest.Time > before.Time)
                && latest.ObjectCount == objects && latest.TotalSize == bytes)
            {
                return latest;
            }

            if (clock.GetElapsedTime(started) >= settings.StepTimeout)
            {
                break;
            }

            await Task.Delay(settings.PollInterval, clock, cancellationToken);
        }

        throw new DemoStepTimeoutException(
            $"'{description}': bucket {bucket} did not show {objects} object(s) / {bytes} B in the history within " +
            $"{settings.StepTimeout.TotalSeconds:F1} s; latest record: {(latest is null ? "none" : $"{latest.ObjectCount} object(s) / {latest.TotalSize} B at {latest.Time:O}")}; " +
            $"seen before: {(steps.Count == 0 ? "nothing" : DemoReport.Sequence(steps))}. Is the size tracking receiving the bucket's events?");
    }
}
