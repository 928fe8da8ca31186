using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using MediatR;

namespace Assignment3.Domain.UseCases;

/// <summary>Draw the bucket's recent size history and store the PNG in the plot bucket.</summary>
/// <param name="BucketName">The bucket whose history is drawn.</param>
/// <param name="Window">How far back from the latest record to draw; <see cref="DefaultWindow"/> when null.</param>
public sealed record RenderSizeChart(string BucketName, TimeSpan? Window = null) : IRequest<SizeChartResult>
{
    /// <summary>The window drawn when the caller names none.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromSeconds(10);

    /// <summary>The longest window a caller may ask for.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(366);

    /// <summary>The window this request draws.</summary>
    public TimeSpan EffectiveWindow => Window ?? DefaultWindow;
}

/// <summary>Where charts go and how large they are.</summary>
/// <param name="PlotBucketName">The bucket that receives the PNGs.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
public sealed record ChartSettings(string PlotBucketName, int Width = 1000, int Height = 600);

/// <summary>Refuses a bad bucket name or a window that is not positive or too long.</summary>
public sealed class RenderSizeChartValidator : IRequestValidator<RenderSizeChart>
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate(RenderSizeChart request)
    {
        ArgumentNullException.ThrowIfNull(request);
        foreach (var error in BucketNameRules.Validate(nameof(request.BucketName), request.BucketName))
        {
            yield return error;
        }

        if (request.EffectiveWindow <= TimeSpan.Zero || request.EffectiveWindow > RenderSizeChart.MaxWindow)
        {
            yield return new ValidationError(nameof(request.Window),
                $"must be more than 0 and at most {RenderSizeChart.MaxWindow.TotalDays:F0} days, was {request.EffectiveWindow}");
        }
    }
}

/// <summary>
/// Reads the latest record with the window before it and the maximum, then renders and stores the chart. What it reads
/// is bounded by the picture, not by the history: at most <see cref="MaxRecordsDrawn"/> + 1 records, and when the
/// window holds more than <see cref="MaxRecordsDrawn"/>, at most <see cref="MaxSlotsDrawn"/> + 2 summaries instead, each
/// keeping its slot's smallest and largest size, so no peak or trough is lost. Plus one item from the by-size index.
/// </summary>
public sealed class RenderSizeChartHandler(
    IHistoryRepository history, ISizeChartRenderer renderer, IBlobStore blobs, ChartSettings settings)
    : IRequestHandler<RenderSizeChart, SizeChartResult>
{
    /// <summary>
    /// The most records a chart draws one by one: a 1000-pixel chart has no room for more distinct points, and at this
    /// count a read is still a few hundred milliseconds at most.
    /// </summary>
    public const int MaxRecordsDrawn = 1000;

    /// <summary>The most summary slots a chart may span (one per pixel column of the default width).</summary>
    public const int MaxSlotsDrawn = 1000;

    /// <inheritdoc />
    public async Task<SizeChartResult> Handle(RenderSizeChart request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var window = request.EffectiveWindow;
        // The maximum does not depend on the recent records: ask the index while they are read. Both are awaited
        // together, so a failure of either is seen, never left unobserved. One record more than can be drawn tells
        // whether the window holds too many.
        var recentTask = history.GetRecentAsync(request.BucketName, window, MaxRecordsDrawn + 1, cancellationToken);
        var largestTask = history.GetLargestAsync(request.BucketName, cancellationToken);
        await Task.WhenAll(recentTask, largestTask);
        var recent = await recentTask;
        if (recent.Count == 0)
        {
            return new SizeChartResult.NoHistory(request.BucketName);
        }

        var latest = recent[^1];
        var from = latest.Time - window;
        IReadOnlyList<SizeSummary> slots = [];
        IReadOnlyList<SizeRecord> points = recent;
        TimeSpan? resolution = null;
        if (recent.Count > MaxRecordsDrawn)
        {
            resolution = SummaryResolutions.For(window, MaxSlotsDrawn);
            slots = await history.GetSummariesAsync(request.BucketName, resolution.Value, from, latest.Time, cancellationToken);
            points = [latest];
        }

        var largest = Largest(await largestTask, points.Concat(slots.Select(slot => slot.Largest)));
        var chart = new SizeChart(request.BucketName, window, points, largest, settings.Width, settings.Height)
        {
            Slots = slots,
        };
        var png = renderer.RenderPng(chart);
        var location = new BlobLocation(settings.PlotBucketName, ChartKey(latest, window));
        await blobs.PutAsync(location.BucketName, location.Key, png, "image/png", cancellationToken);
        return new SizeChartResult.Rendered(request.BucketName, location, points.Count + slots.Count, largest, from, latest.Time)
        {
            Changes = chart.Changes,
            Resolution = resolution,
        };
    }

    // The by-size index is eventually consistent: right after a new maximum is written it may still answer an older
    // one. The records and summaries read consistently are known facts too, so the line is never drawn below a point.
    private static SizeRecord Largest(SizeRecord? fromIndex, IEnumerable<SizeRecord> read) =>
        read.Append(fromIndex).OfType<SizeRecord>().MaxBy(record => record.TotalSize)!;

    /// <summary>
    /// The chart's key: the bucket, its latest record and, unless it is the default, the window, so the same history
    /// and window give the same key, keys sort by time, and a month's chart is not overwritten by an hour's.
    /// </summary>
    public static string ChartKey(SizeRecord latest, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(latest);
        var suffix = window == RenderSizeChart.DefaultWindow ? "" : "-" + WindowText(window);
        return $"{latest.BucketName}/size-history-{latest.Time.UtcDateTime:yyyyMMdd'T'HHmmssfff'Z'}{suffix}.png";
    }

    // The window in its largest whole unit, as the CLI and the API accept it: 30d, 1h, 2m, 90s, 199ms.
    private static string WindowText(TimeSpan window) => window.Ticks switch
    {
        var t when t % TimeSpan.TicksPerDay == 0 => $"{window.Ticks / TimeSpan.TicksPerDay}d",
        var t when t % TimeSpan.TicksPerHour == 0 => $"{window.Ticks / TimeSpan.TicksPerHour}h",
        var t when t % TimeSpan.TicksPerMinute == 0 => $"{window.Ticks / TimeSpan.TicksPerMinute}m",
        var t when t % TimeSpan.TicksPerSecond == 0 => $"{window.Ticks / TimeSpan.TicksPerSecond}s",
        _ => $"{(long)Math.Ceiling(window.TotalMilliseconds)}ms",
    };
}
