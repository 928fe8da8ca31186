using Assignment3.Domain;
using Assignment3.Domain.Ports;

namespace Assignment3.TestKit;

/// <summary>What every <see cref="IHistoryRepository"/> must do. An adapter is done when its subclass passes.</summary>
public abstract class HistoryRepositoryContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A new, empty repository (for a shared server: one no other test writes the same buckets of).</summary>
    protected abstract Task<IHistoryRepository> CreateRepositoryAsync();

    /// <summary>A bucket name no other test of the same store uses.</summary>
    protected virtual string Bucket(string name) => name;

    private static SizeRecord At(string bucket, int offsetMs, long size, int count = 1) =>
        new(bucket, T0.AddMilliseconds(offsetMs), size, count);

    [Fact]
    public async Task An_empty_history_has_no_latest_no_largest_and_no_range()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("empty-bucket");

        Assert.Null(await repository.GetLatestAsync(bucket, default));
        Assert.Null(await repository.GetLargestAsync(bucket, default));
        Assert.Empty(await repository.GetRangeAsync(bucket, T0.AddYears(-1), T0.AddYears(1), default));
    }

    [Fact]
    public async Task Appended_records_come_back_with_every_field()
    {
        var repository = await CreateRepositoryAsync();
        var record = At(Bucket("fields"), 123, 4_000_000_000, 7);

        var result = await repository.AppendAsync(record, null, default);

        Assert.Equal(AppendOutcome.Appended, result.Outcome);
        Assert.Equal(record, await repository.GetLatestAsync(record.BucketName, default));
    }

    [Fact]
    public async Task Latest_is_the_newest_by_time_not_by_insertion()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("latest");
        await repository.AppendAsync(At(bucket, 2000, 5), null, default);
        await repository.AppendAsync(At(bucket, 1000, 9), null, default);

        Assert.Equal(At(bucket, 2000, 5), await repository.GetLatestAsync(bucket, default));
    }

    [Fact]
    public async Task Range_includes_both_bounds_excludes_outside_and_is_oldest_first()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("range");
        foreach (var offset in new[] { 3000, -1, 0, 10_000, 10_001, 5000 })
        {
            await repository.AppendAsync(At(bucket, offset, offset + 1), null, default);
        }

        var range = await repository.GetRangeAsync(bucket, T0, T0.AddSeconds(10), default);

        Assert.Equal(new long[] { 0, 3000, 5000, 10_000 }, range.Select(r => (long)(r.Time - T0).TotalMilliseconds));
    }

    [Fact]
    public async Task Recent_is_the_latest_and_its_window_oldest_first_bounds_included()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("recent");
        foreach (var offset in new[] { 0, -10_001, -3000, -10_000, -20_000 })
        {
            await repository.AppendAsync(At(bucket, offset, -offset), null, default);
        }

        await repository.AppendAsync(At(Bucket("recent-other"), 1000, 1), null, default);

        var recent = await repository.GetRecentAsync(bucket, TimeSpan.FromSeconds(10), 1000, default);

        Assert.Equal(new long[] { -10_000, -3000, 0 }, recent.Select(r => (long)(r.Time - T0).TotalMilliseconds));
        Assert.Equal(At(bucket, 0, 0), recent[^1]);
        Assert.Empty(await repository.GetRecentAsync(Bucket("recent-none"), TimeSpan.FromSeconds(10), 1000, default));
    }

    [Fact]
    public async Task Recent_returns_a_window_of_many_records_whole_and_a_short_one_exactly()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("recent-many");
        const int InWindow = 150; // more than one read of a paging store returns
        for (var i = -5; i < InWindow; i++)
        {
            await repository.AppendAsync(At(bucket, i * 10, i), null, default);
        }

        var recent = await repository.GetRecentAsync(bucket, TimeSpan.FromMilliseconds((InWindow - 1) * 10), 1000, default);

        Assert.Equal(Enumerable.Range(0, InWindow).Select(i => (long)i), recent.Select(r => r.TotalSize));
        var shortWindow = await repository.GetRecentAsync(bucket, TimeSpan.FromMilliseconds(490), 1000, default);
        Assert.Equal(Enumerable.Range(InWindow - 50, 50).Select(i => (long)i), shortWindow.Select(r => r.TotalSize));
    }

    /// <summary>
    /// A window of exactly 100 records whose oldest is on the window's edge: a store that reads 100 records a page ends
    /// its first page on the edge, and must not ask for a page after it (DynamoDB refuses a start key on the range's edge).
    /// </summary>
    [Fact]
    public async Task Recent_reads_a_window_whose_oldest_record_is_on_its_edge()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("recent-edge");
        for (var i = -20; i < 100; i++)
        {
            await repository.AppendAsync(At(bucket, i * 1000, i), null, default);
        }

        var recent = await repository.GetRecentAsync(bucket, TimeSpan.FromSeconds(99), 1001, default);

        Assert.Equal(Enumerable.Range(0, 100).Select(i => (long)i), recent.Select(r => r.TotalSize));
    }

    [Fact]
    public async Task Recent_gives_at_most_the_limit_the_newest_ones_oldest_first()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("recent-limit");
        for (var i = 0; i < 130; i++)
        {
            await repository.AppendAsync(At(bucket, i * 10, i), null, default);
        }

        var limited = await repository.GetRecentAsync(bucket, TimeSpan.FromDays(1), 120, default);
        var few = await repository.GetRecentAsync(bucket, TimeSpan.FromDays(1), 3, default);

        Assert.Equal(Enumerable.Range(10, 120).Select(i => (long)i), limited.Select(r => r.TotalSize));
        Assert.Equal(new long[] { 127, 128, 129 }, few.Select(r => r.TotalSize));
    }

    [Fact]
    public async Task Every_resolution_summarises_its_slot_smallest_largest_last_and_changes()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("summaries");
        // Appended out of time order: a summary must not depend on arrival order.
        var records = new[] { At(bucket, 12_000, 5, 2), At(bucket, 3_000, 40, 4), At(bucket, 9_999, 1, 1), At(bucket, 65_000, 7, 3), At(bucket, 500, 40, 5) };
        foreach (var record in records)
        {
            await repository.AppendAsync(record, null, default);
        }

        foreach (var resolution in SummaryResolutions.All)
        {
            var expected = records.GroupBy(r => SizeSummary.SlotStart(r.Time, resolution))
                .Select(slot => slot.OrderBy(r => r.Time).Aggregate((SizeSummary?)null, (summary, r) => summary?.Add(r) ?? SizeSummary.Of(r, resolution))!)
                .OrderBy(summary => summary.Start).ToList();

            var summaries = await repository.GetSummariesAsync(bucket, resolution, T0, T0.AddMinutes(2), default);

            Assert.Equal(expected, summaries);
        }

        var tenSeconds = await repository.GetSummariesAsync(bucket, TimeSpan.FromSeconds(10), T0, T0.AddMinutes(2), default);
        Assert.Equal(
            [(0L, 1L, 40L, 500L, 9_999L, 3L), (10_000, 5, 5, 12_000, 12_000, 1), (60_000, 7, 7, 65_000, 65_000, 1)],
            tenSeconds.Select(s => ((long)(s.Start - T0).TotalMilliseconds, s.Smallest.TotalSize, s.Largest.TotalSize,
                (long)(s.Largest.Time - T0).TotalMilliseconds, (long)(s.Last.Time - T0).TotalMilliseconds, s.Changes)));
    }

    [Fact]
    public async Task Summaries_cover_every_slot_the_range_touches_and_no_other()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("summary-range");
        foreach (var seconds in new[] { -1, 0, 59, 60, 125, 180 })
        {
            await repository.AppendAsync(At(bucket, seconds * 1000, seconds + 10), null, default);
        }

        await repository.AppendAsync(At(Bucket("summary-range-other"), 70_000, 1), null, default);

        // 00:00:30 to 00:02:05: the first slot begins before the range and is still given whole.
        var minutes = await repository.GetSummariesAsync(bucket, TimeSpan.FromMinutes(1), T0.AddSeconds(30), T0.AddSeconds(125), default);

        Assert.Equal([0L, 60_000, 120_000], minutes.Select(s => (long)(s.Start - T0).TotalMilliseconds));
        Assert.Equal([2L, 1, 1], minutes.Select(s => s.Changes));
        Assert.Empty(await repository.GetSummariesAsync(Bucket("summary-none"), TimeSpan.FromHours(1), T0, T0.AddDays(1), default));
    }

    [Fact]
    public async Task A_refused_record_changes_no_summary()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("summary-refused");
        var key = Guid.NewGuid().ToString();
        await repository.AppendAsync(At(bucket, 0, 18), key, default);

        Assert.Equal(AppendOutcome.TimeTaken, (await repository.AppendAsync(At(bucket, 0, 1000), null, default)).Outcome);
        Assert.Equal(AppendOutcome.AlreadyRecorded, (await repository.AppendAsync(At(bucket, 5, 2000), key, default)).Outcome);

        foreach (var resolution in SummaryResolutions.All)
        {
            var summary = Assert.Single(await repository.GetSummariesAsync(bucket, resolution, T0, T0, default));
            Assert.Equal((18L, 18L, 1L), (summary.Smallest.TotalSize, summary.Largest.TotalSize, summary.Changes));
        }
    }

    [Fact]
    public async Task Concurrent_appends_to_one_slot_are_all_summarised()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("summary-racing");
        const int Writers = 6;

        var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i =>
            Task.Run(() => repository.AppendAsync(At(bucket, i, 100 + i), null, default))));

        Assert.All(results, r => Assert.Equal(AppendOutcome.Appended, r.Outcome));
        foreach (var resolution in SummaryResolutions.All)
        {
            var summary = Assert.Single(await repository.GetSummariesAsync(bucket, resolution, T0, T0.AddSeconds(1), default));
            Assert.Equal((100L, 100L + Writers - 1, Writers - 1L, (long)Writers),
                (summary.Smallest.TotalSize, summary.Largest.TotalSize, (long)(summary.Last.Time - T0).TotalMilliseconds, summary.Changes));
        }
    }

    [Fact]
    public async Task Largest_is_the_record_with_the_greatest_total_size()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("largest");
        await repository.AppendAsync(At(bucket, 0, 18), null, default);
        await repository.AppendAsync(At(bucket, 1, 27), null, default);
        await repository.AppendAsync(At(bucket, 2, 0, 0), null, default);
        await repository.AppendAsync(At(bucket, 3, 2), null, default);

        Assert.Equal(At(bucket, 1, 27), await repository.GetLargestAsync(bucket, default));
    }

    [Fact]
    public async Task Largest_compares_sizes_as_numbers_not_text()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("numeric");
        await repository.AppendAsync(At(bucket, 0, 9), null, default);
        await repository.AppendAsync(At(bucket, 1, 10), null, default);

        Assert.Equal(10, (await repository.GetLargestAsync(bucket, default))!.TotalSize);
    }

    [Fact]
    public async Task A_second_record_in_the_same_millisecond_is_refused_and_overwrites_nothing()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("same-ms");
        await repository.AppendAsync(At(bucket, 0, 18), null, default);

        var second = await repository.AppendAsync(At(bucket, 0, 27), null, default);

        Assert.Equal(AppendOutcome.TimeTaken, second.Outcome);
        Assert.Equal(18, (await repository.GetLatestAsync(bucket, default))!.TotalSize);
    }

    [Fact]
    public async Task The_same_idempotency_key_twice_stores_one_record_and_returns_the_first()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("idempotent");
        var key = Guid.NewGuid().ToString();
        await repository.AppendAsync(At(bucket, 0, 18), key, default);

        var again = await repository.AppendAsync(At(bucket, 50, 18), key, default);

        Assert.Equal(AppendOutcome.AlreadyRecorded, again.Outcome);
        Assert.Equal(At(bucket, 0, 18), again.Record);
        Assert.Single(await repository.GetRangeAsync(bucket, T0.AddDays(-1), T0.AddDays(1), default));
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_event_store_one_record_and_agree_on_it()
    {
        var repository = await CreateRepositoryAsync();
        var bucket = Bucket("racing");
        var key = Guid.NewGuid().ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            Task.Run(() => repository.AppendAsync(At(bucket, i, 18), key, default))));

        var stored = Assert.Single(await repository.GetRangeAsync(bucket, T0.AddDays(-1), T0.AddDays(1), default));
        Assert.Single(results, r => r.Outcome == AppendOutcome.Appended);
        Assert.All(results, r => Assert.Equal(stored, r.Record));
    }

    [Fact]
    public async Task Buckets_do_not_see_each_other()
    {
        var repository = await CreateRepositoryAsync();
        var (a, b) = (Bucket("bucket-a"), Bucket("bucket-b"));
        await repository.AppendAsync(At(a, 0, 100), null, default);
        await repository.AppendAsync(At(b, 0, 1), null, default);

        Assert.Equal(1, (await repository.GetLargestAsync(b, default))!.TotalSize);
        Assert.Single(await repository.GetRangeAsync(b, T0.AddDays(-1), T0.AddDays(1), default));
    }
}
