using Assignment3.Adapters.InMemory;
using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Moq;

namespace Assignment3.Domain.Tests;

public sealed class RenderSizeChartTests
{
    private static readonly DateTimeOffset Latest = new(2026, 11, 26, 12, 0, 30, TimeSpan.Zero);

    private static async Task Seed(DomainHarness harness, params (int OffsetMs, long Size)[] records)
    {
        foreach (var (offset, size) in records)
        {
            await harness.History.AppendAsync(new SizeRecord("data-bucket", Latest.AddMilliseconds(offset), size, 1), null, default);
        }
    }

    [Fact]
    public async Task Draws_the_latest_record_and_every_record_up_to_ten_seconds_before_it_bounds_included()
    {
        using var harness = new DomainHarness();
        await Seed(harness, (-10_001, 500), (-10_000, 18), (-4000, 27), (-2000, 0), (0, 2));

        var result = Assert.IsType<SizeChartResult.Rendered>(await harness.Send(new RenderSizeChart("data-bucket")));

        var chart = Assert.Single(harness.Renderer.Charts);
        Assert.Equal([18L, 27L, 0L, 2L], chart.Points.Select(p => p.TotalSize));
        Assert.Empty(chart.Slots);
        Assert.Equal((4, 4L, (TimeSpan?)null), (result.PointsDrawn, result.Changes, result.Resolution));
        Assert.Equal((Latest.AddSeconds(-10), Latest), (result.From, result.To));
    }

    [Fact]
    public async Task The_max_line_is_the_historical_maximum_even_outside_the_window()
    {
        using var harness = new DomainHarness();
        await Seed(harness, (-60_000, 500), (-1000, 18), (0, 2));

        var result = Assert.IsType<SizeChartResult.Rendered>(await harness.Send(new RenderSizeChart("data-bucket")));

        Assert.Equal(500, result.Largest.TotalSize);
        Assert.Equal(500, harness.Renderer.Charts[0].Largest.TotalSize);
        Assert.Equal(2, result.PointsDrawn);
    }

    [Fact]
    public async Task Reads_the_recent_records_and_the_max_with_one_lookup_each()
    {
        var latest = new SizeRecord("data-bucket", Latest, 2, 1);
        var history = new Mock<IHistoryRepository>(MockBehavior.Strict);
        history.Setup(h => h.GetRecentAsync("data-bucket", TimeSpan.FromSeconds(3), RenderSizeChartHandler.MaxRecordsDrawn + 1, It.IsAny<CancellationToken>())).ReturnsAsync([latest]);
        history.Setup(h => h.GetLargestAsync("data-bucket", It.IsAny<CancellationToken>())).ReturnsAsync(latest);
        using var harness = new DomainHarness(configure: s => s.Replace(ServiceDescriptor.Singleton(history.Object)));

        var result = Assert.IsType<SizeChartResult.Rendered>(await harness.Send(new RenderSizeChart("data-bucket", TimeSpan.FromSeconds(3))));

        history.Verify(h => h.GetRecentAsync("data-bucket", TimeSpan.FromSeconds(3), RenderSizeChartHandler.MaxRecordsDrawn + 1, It.IsAny<CancellationToken>()), Times.Once);
        history.Verify(h => h.GetLargestAsync("data-bucket", It.IsAny<CancellationToken>()), Times.Once);
        // Nothing else was read (no range query, no scan), and the chart is drawn from those two answers.
        history.VerifyNoOtherCalls();
        Assert.Equal((latest, 1), (result.Largest, result.PointsDrawn));
        Assert.Equal([latest], harness.Renderer.Charts.Single().Points);
    }

    [Theory]
    [InlineData(5L, 99L, 99L)] // the newest record is the new maximum; the index still answers the old one (27)
    [InlineData(30L, 2L, 30L)] // a record inside the window is the new maximum
    public async Task With_a_lagging_index_the_max_line_is_never_below_a_drawn_point(long inWindow, long newest, long expectedMax)
    {
        LaggingIndexHistory? lagging = null;
        using var harness = new DomainHarness(configure: s => s.Replace(ServiceDescriptor.Singleton<IHistoryRepository>(_ => lagging!)));
        await Seed(harness, (-60_000, 27), (-3000, inWindow), (0, newest));
        lagging = new LaggingIndexHistory(harness.History) { Answer = new SizeRecord("data-bucket", Latest.AddMinutes(-1), 27, 1) };

        var result = Assert.IsType<SizeChartResult.Rendered>(await harness.Send(new RenderSizeChart("data-bucket")));

        var chart = Assert.Single(harness.Renderer.Charts);
        Assert.Equal(expectedMax, result.Largest.TotalSize);
        Assert.Equal(expectedMax, chart.Largest.TotalSize);
        Assert.All(chart.Points, point => Assert.True(point.TotalSize <= chart.Largest.TotalSize));
    }

    [Theory]
    [InlineData(RenderSizeChartHandler.MaxRecordsDrawn, false)]
    [InlineData(RenderSizeChartHandler.MaxRecordsDrawn + 1, true)]
    public async Task A_window_is_drawn_record_by_record_up_to_the_bound_and_summarised_beyond(int recordsInWindow, bool summarised)
    {
        using var harness = new DomainHarness();
        await Seed(harness, [.. Enumerable.Range(0, recordsInWindow).Select(i => (-i * 5, (long)i))]);

        var result = Assert.IsType<SizeChartResult.Rendered>(
            await harness.Send(new RenderSizeChart("data-bucket", TimeSpan.FromMilliseconds(5 * (recordsInWindow - 1)))));

        var chart = Assert.Single(harness.Renderer.Charts);
        Assert.Equal(recordsInWindow, chart.Changes);
        Assert.Equal(recordsInWindow, result.Changes);
        if (summarised)
        {
            Assert.Equal(SummaryResolutions.All[0], result.Resolution);
            Assert.Equal([new SizeRecord("data-bucket", Latest, 0, 1)], chart.Points);
            Assert.Equal(chart.Slots.Count + 1, result.PointsDrawn);
        }
        else
        {
            Assert.Empty(chart.Slots);
            Assert.Equal(recordsInWindow, chart.Points.Count);
        }
    }

    /// <summary>
    /// One change a second for 30 days is 2,592,000 records. The chart reads at most the stated bound, and each of its
    /// slots keeps the smallest and largest record of its hour: a one-record spike and a one-record drop to zero in the
    /// middle of the month are both on the chart's data.
    /// </summary>
    [Fact]
    public async Task A_thirty_day_window_over_a_month_of_changes_reads_a_bounded_number_of_items_and_keeps_every_peak_and_trough()
    {
        const int Seconds = 30 * 24 * 3600;
        var start = Latest.AddSeconds(-(Seconds - 1));
        var spikeAt = start.AddDays(15).AddSeconds(1234);
        var dropAt = start.AddDays(20).AddSeconds(77);
        var counting = (ReadCountingHistory?)null;
        using var harness = new DomainHarness(configure: s => s.Replace(ServiceDescriptor.Singleton<IHistoryRepository>(_ => counting!)));
        counting = new ReadCountingHistory(harness.History);
        var records = new SizeRecord[Seconds];
        for (var i = 0; i < Seconds; i++)
        {
            var time = start.AddSeconds(i);
            var size = time == spikeAt ? 1_000_000 : time == dropAt ? 0 : 5_000 + ((i * 7919L) % 1000);
            records[i] = new SizeRecord("data-bucket", time, size, 3);
            await harness.History.AppendAsync(records[i], null, default);
        }

        var result = Assert.IsType<SizeChartResult.Rendered>(await harness.Send(new RenderSizeChart("data-bucket", TimeSpan.FromDays(30))));

        const int Bound = RenderSizeChartHandler.MaxRecordsDrawn + 1 + RenderSizeChartHandler.MaxSlotsDrawn + 2 + 1;
        Assert.InRange(counting.ItemsRead, 1, Bound);
        var chart = Assert.Single(harness.Renderer.Charts);
        Assert.Equal(TimeSpan.FromHours(1), result.Resolution);
        Assert.InRange(chart.Slots.Count, 720, 721);
        Assert.Equal(Seconds, chart.Changes);
        Assert.Equal(records[^1], chart.Latest);
        Assert.Contains(chart.Slots, slot => slot.Largest.Time == spikeAt && slot.Largest.TotalSize == 1_000_000);
        Assert.Contains(chart.Slots, slot => slot.Smallest.Time == dropAt && slot.Smallest.TotalSize == 0);
        Assert.Equal(1_000_000, chart.Largest.TotalSize);
        // Every slot holds exactly its hour's extremes, not a sample.
        var hours = records.GroupBy(r => SizeSummary.SlotStart(r.Time, TimeSpan.FromHours(1)))
            .ToDictionary(g => g.Key, g => (Min: g.Min(r => r.TotalSize), Max: g.Max(r => r.TotalSize), Count: g.LongCount()));
        Assert.All(chart.Slots, slot => Assert.Equal(hours[slot.Start], (slot.Smallest.TotalSize, slot.Largest.TotalSize, slot.Changes)));
    }

    [Theory]
    [InlineData(10_000, "")]
    [InlineData(7_200_000, "-2h")]
    [InlineData(150_000, "-150s")]
    [InlineData(120_000, "-2m")]
    [InlineData(199, "-199ms")]
    public void A_chart_key_names_a_window_other_than_the_default(int windowMs, string suffix) =>
        Assert.Equal($"b/size-history-20261126T120030000Z{suffix}.png",
            RenderSizeChartHandler.ChartKey(new SizeRecord("b", Latest, 1, 1), TimeSpan.FromMilliseconds(windowMs)));

    [Fact]
    public async Task Stores_the_png_in_the_plot_bucket_with_its_content_type_and_says_where()
    {
        using var harness = new DomainHarness();
        await Seed(harness, (0, 2));

        var result = Assert.IsType<SizeChartResult.Rendered>(await harness.Send(new RenderSizeChart("data-bucket")));

        Assert.Equal("plot-bucket", result.Location.BucketName);
        Assert.Equal("data-bucket/size-history-20261126T120030000Z.png", result.Location.Key);
        var month = Assert.IsType<SizeChartResult.Rendered>(await harness.Send(new RenderSizeChart("data-bucket", TimeSpan.FromDays(30))));
        Assert.Equal("data-bucket/size-history-20261126T120030000Z-30d.png", month.Location.Key);
        Assert.NotNull(harness.Store.Get("plot-bucket", result.Location.Key)); // the month's chart did not replace it
        var stored = harness.Store.Get("plot-bucket", result.Location.Key);
        Assert.Equal(new StoredBlob(RecordingChartRenderer.TinyPng, "image/png").ContentType, stored!.ContentType);
        Assert.Equal(RecordingChartRenderer.TinyPng, stored.Content);
    }

    [Fact]
    public async Task A_bucket_without_history_gets_a_clear_result_and_nothing_is_drawn_or_stored()
    {
        using var harness = new DomainHarness();

        var result = await harness.Send(new RenderSizeChart("never-seen"));

        Assert.Equal("no history for bucket never-seen", Assert.IsType<SizeChartResult.NoHistory>(result).Message);
        Assert.Empty(harness.Renderer.Charts);
        Assert.Empty(await harness.Store.ListAllAsync("plot-bucket").ToListAsync());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(400 * 86400)]
    public async Task A_window_that_is_not_positive_or_too_long_is_refused_naming_the_field(int seconds)
    {
        using var harness = new DomainHarness();

        var error = await Assert.ThrowsAsync<RequestValidationException>(
            () => harness.Send(new RenderSizeChart("data-bucket", TimeSpan.FromSeconds(seconds))));

        Assert.Equal("Window", Assert.Single(error.Errors).Field);
    }
}

/// <summary>A history whose by-size index lags behind, as DynamoDB's GSIs may: it answers a maximum set by the test.</summary>
public sealed class LaggingIndexHistory(IHistoryRepository inner) : IHistoryRepository
{
    public SizeRecord? Answer { get; set; }

    public Task<AppendResult> AppendAsync(SizeRecord record, string? idempotencyKey, CancellationToken cancellationToken) =>
        inner.AppendAsync(record, idempotencyKey, cancellationToken);

    public Task<SizeRecord?> GetLatestAsync(string bucketName, CancellationToken cancellationToken) =>
        inner.GetLatestAsync(bucketName, cancellationToken);

    public Task<IReadOnlyList<SizeRecord>> GetRangeAsync(string bucketName, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken) =>
        inner.GetRangeAsync(bucketName, earliest, latest, cancellationToken);

    public Task<IReadOnlyList<SizeRecord>> GetRecentAsync(string bucketName, TimeSpan window, int limit, CancellationToken cancellationToken) =>
        inner.GetRecentAsync(bucketName, window, limit, cancellationToken);

    public Task<IReadOnlyList<SizeSummary>> GetSummariesAsync(
        string bucketName, TimeSpan resolution, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken) =>
        inner.GetSummariesAsync(bucketName, resolution, earliest, latest, cancellationToken);

    public Task<SizeRecord?> GetLargestAsync(string bucketName, CancellationToken cancellationToken) => Task.FromResult(Answer);
}
