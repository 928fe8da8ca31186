using System.Text;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Assignment3.Domain.Tests;

public sealed class RunDemoTests
{
    [Fact]
    public async Task The_demo_sees_0_18_27_0_2_and_leaves_only_assignment2()
    {
        using var harness = new DomainHarness();

        var report = await harness.Send(new RunDemo("data-bucket"));

        Assert.Equal([0L, 18L, 27L, 0L, 2L], report.Steps.Select(s => s.Observed.TotalSize));
        Assert.Equal([0, 1, 1, 0, 1], report.Steps.Select(s => s.Observed.ObjectCount));
        Assert.Equal("0 → 18 → 27 → 0 → 2", report.SizeSequence);
        var remaining = Assert.Single(await harness.Store.ListAllAsync("data-bucket").ToListAsync());
        Assert.Equal(("assignment2.txt", 2L), (remaining.Key, remaining.Size));
        Assert.Equal("33", Encoding.ASCII.GetString(harness.Store.Get("data-bucket", "assignment2.txt")!.Content));
    }

    [Fact]
    public async Task Leftovers_are_deleted_first_and_the_history_starts_from_zero()
    {
        using var harness = new DomainHarness();
        await harness.Store.PutAsync("data-bucket", "old/one.bin", new byte[100], "application/octet-stream", default);
        await harness.Store.PutAsync("data-bucket", "assignment2.txt", new byte[2], "text/plain", default);

        var report = await harness.Send(new RunDemo("data-bucket"));

        Assert.Equal("0 → 18 → 27 → 0 → 2", report.SizeSequence);
        Assert.Null(harness.Store.Get("data-bucket", "old/one.bin"));
    }

    [Fact]
    public async Task The_chart_covers_exactly_the_demo_from_its_first_to_its_last_record()
    {
        using var harness = new DomainHarness();
        await harness.History.AppendAsync(new SizeRecord("data-bucket", harness.Clock.GetUtcNow().AddSeconds(-5), 999, 3), null, default);

        var report = await harness.Send(new RunDemo("data-bucket"));

        var chart = Assert.IsType<SizeChartResult.Rendered>(report.Chart);
        Assert.Equal(report.Steps[0].Observed.Time, chart.From);
        Assert.Equal(report.Steps[^1].Observed.Time, chart.To);
        Assert.Equal(5, chart.PointsDrawn);
        Assert.Equal(999, chart.Largest.TotalSize);
    }

    [Fact]
    public async Task Progress_is_published_after_each_step_as_it_happens()
    {
        var seen = new List<string>();
        using var harness = new DomainHarness(configure: s => s.AddSingleton<INotificationHandler<DemoStepObserved>>(
            new ProgressRecorder(seen)));

        await harness.Send(new RunDemo("data-bucket"));

        Assert.Equal(
            ["1/5 clean up leftovers", "2/5 create assignment1.txt (18 B)", "3/5 update assignment1.txt (27 B)",
             "4/5 delete assignment1.txt", "5/5 create assignment2.txt (2 B)"],
            seen);
    }

    [Fact]
    public async Task Without_size_tracking_the_first_change_times_out_with_a_clear_error()
    {
        using var harness = new DomainHarness(trackChanges: false,
            demo: new DemoSettings(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(150)));

        var error = await Assert.ThrowsAsync<DemoStepTimeoutException>(() => harness.Send(new RunDemo("data-bucket")));

        Assert.Contains("create assignment1.txt (18 B)", error.Message, StringComparison.Ordinal);
        Assert.Contains("did not show 1 object(s) / 18 B", error.Message, StringComparison.Ordinal);
        Assert.Contains("latest record: 0 object(s) / 0 B", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_chart_call_fails_the_demo_and_keeps_the_sizes_it_saw_and_the_reason()
    {
        var refused = new HttpRequestException("the plotting API answered 403 Forbidden");
        using var harness = new DomainHarness(configure: s => s.Replace(ServiceDescriptor.Transient<IPlotApi>(_ => new FailingPlotApi(refused))));

        var error = await Assert.ThrowsAsync<DemoChartMissingException>(() => harness.Send(new RunDemo("data-bucket")));

        Assert.Equal("0 → 18 → 27 → 0 → 2", error.SizeSequence);
        Assert.Equal(5, error.Steps.Count);
        Assert.Same(refused, error.InnerException);
        Assert.Equal("the demo saw 0 → 18 → 27 → 0 → 2, but its chart is missing: the plotting API answered 403 Forbidden", error.Message);
    }

    [Fact]
    public async Task A_chart_api_that_finds_no_history_fails_the_demo_too()
    {
        using var harness = new DomainHarness(configure: s => s.Replace(ServiceDescriptor.Transient<IPlotApi>(_ => new FailingPlotApi(null))));

        var error = await Assert.ThrowsAsync<DemoChartMissingException>(() => harness.Send(new RunDemo("data-bucket")));

        Assert.Equal("the plotting API says: no history for bucket data-bucket", error.Reason);
        Assert.Equal("0 → 18 → 27 → 0 → 2", error.SizeSequence);
    }

    [Fact]
    public async Task A_step_that_times_out_says_what_the_demo_saw_before_it()
    {
        // Size tracking sees the first change only (assignment1.txt created); the update is never recorded.
        var tracked = 0;
        DomainHarness? self = null;
        using var harness = new DomainHarness(trackChanges: false,
            demo: new DemoSettings(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(150)),
            configure: s => s.Replace(ServiceDescriptor.Singleton<IBlobStore>(sp => new Adapters.Local.ChangeNotifyingBlobStore(
                self!.Store,
                (change, ct) => Interlocked.Increment(ref tracked) <= 1
                    ? sp.GetRequiredService<IMediator>().Send(new RecordBucketSize(change.BucketName), ct)
                    : Task.CompletedTask))));
        self = harness;

        var error = await Assert.ThrowsAsync<DemoStepTimeoutException>(() => harness.Send(new RunDemo("data-bucket")));

        Assert.Contains("seen before: 0 → 18.", error.Message, StringComparison.Ordinal);
    }

    private sealed class FailingPlotApi(Exception? failure) : IPlotApi
    {
        public Task<SizeChartResult> RequestChartAsync(string bucketName, TimeSpan window, CancellationToken cancellationToken) =>
            failure is null ? Task.FromResult<SizeChartResult>(new SizeChartResult.NoHistory(bucketName)) : Task.FromException<SizeChartResult>(failure);
    }

    private sealed class ProgressRecorder(List<string> seen) : INotificationHandler<DemoStepObserved>
    {
        public Task Handle(DemoStepObserved notification, CancellationToken cancellationToken)
        {
            seen.Add($"{notification.Number}/{notification.Total} {notification.Step.Description}");
            return Task.CompletedTask;
        }
    }
}
