using System.Text;
using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Assignment3.Domain.Tests;

public sealed class RecordBucketSizeTests
{
    [Fact]
    public async Task Counts_and_sums_every_object_across_all_listing_pages()
    {
        using var harness = new DomainHarness(trackChanges: false, pageSize: 2);
        for (var i = 1; i <= 5; i++)
        {
            await harness.Store.PutAsync("data-bucket", $"file-{i}", new byte[i * 10], "text/plain", default);
        }

        var recorded = await harness.Send(new RecordBucketSize("data-bucket"));

        Assert.Equal(5, recorded.Record.ObjectCount);
        Assert.Equal(150, recorded.Record.TotalSize);
        Assert.Equal(3, harness.Store.ListCalls);
        Assert.Equal(recorded.Record, Assert.Single(harness.History.All));
    }

    [Fact]
    public async Task An_empty_bucket_is_recorded_as_zero_objects_and_zero_bytes()
    {
        using var harness = new DomainHarness(trackChanges: false);

        var recorded = await harness.Send(new RecordBucketSize("data-bucket"));

        Assert.Equal((0, 0L), (recorded.Record.ObjectCount, recorded.Record.TotalSize));
        Assert.Equal(harness.Clock.GetUtcNow(), recorded.Record.Time);
    }

    [Fact]
    public async Task Records_in_the_same_millisecond_are_all_kept_in_order()
    {
        using var harness = new DomainHarness(trackChanges: false);

        var first = await harness.Send(new RecordBucketSize("data-bucket"));
        await harness.Store.PutAsync("data-bucket", "a", Encoding.ASCII.GetBytes("33"), "text/plain", default);
        var second = await harness.Send(new RecordBucketSize("data-bucket"));
        var third = await harness.Send(new RecordBucketSize("data-bucket"));

        Assert.Equal(3, harness.History.All.Count);
        Assert.Equal(first.Record.Time.AddMilliseconds(1), second.Record.Time);
        Assert.Equal(first.Record.Time.AddMilliseconds(2), third.Record.Time);
        Assert.Equal([0L, 2L, 2L], harness.History.All.Select(r => r.TotalSize));
    }

    [Fact]
    public async Task The_same_event_delivered_twice_is_recorded_once()
    {
        using var harness = new DomainHarness(trackChanges: false);
        await harness.Store.PutAsync("data-bucket", "a", new byte[18], "text/plain", default);

        var first = await harness.Send(new RecordBucketSize("data-bucket", "event-1"));
        harness.Clock.Advance(TimeSpan.FromSeconds(3));
        var again = await harness.Send(new RecordBucketSize("data-bucket", "event-1"));

        Assert.False(first.WasDuplicate);
        Assert.True(again.WasDuplicate);
        Assert.Equal(first.Record, again.Record);
        Assert.Single(harness.History.All);
    }

    [Fact]
    public async Task An_invocation_whose_listing_answered_late_never_becomes_the_latest_record()
    {
        var release = new TaskCompletionSource();
        HoldingBlobStore? holding = null;
        using var harness = new DomainHarness(trackChanges: false, configure: s => s.Replace(ServiceDescriptor.Singleton<IBlobStore>(_ => holding!)));
        holding = new HoldingBlobStore(harness.Store, release.Task);
        await harness.Store.PutAsync("data-bucket", "x", new byte[5], "text/plain", default);

        // A lists {x}; its answer is held. Then x is deleted and B lists {} and writes. Then A's answer arrives.
        var first = harness.Send(new RecordBucketSize("data-bucket", "event-a"));
        await holding.FirstListingAnswered;
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        await harness.Store.DeleteAsync("data-bucket", ["x"], default);
        var second = await harness.Send(new RecordBucketSize("data-bucket", "event-b"));
        harness.Clock.Advance(TimeSpan.FromSeconds(1));
        release.SetResult();
        var late = await first;

        Assert.Equal((1, 5L), (late.Record.ObjectCount, late.Record.TotalSize));
        Assert.True(late.Record.Time < second.Record.Time, "the late listing began first, so its record sorts first");
        var latest = await harness.History.GetLatestAsync("data-bucket", default);
        Assert.Equal((0, 0L), (latest!.ObjectCount, latest.TotalSize));
    }

    [Theory]
    [InlineData("", "is required")]
    [InlineData("ab", "3 to 63")]
    [InlineData("Upper-Case", "lowercase")]
    [InlineData("-leading", "start and end")]
    [InlineData("two..dots", "'..'")]
    public async Task A_bad_bucket_name_is_refused_naming_the_field_and_nothing_is_listed_or_written(string bucket, string problem)
    {
        using var harness = new DomainHarness(trackChanges: false);

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => harness.Send(new RecordBucketSize(bucket)));

        Assert.Equal("BucketName", Assert.Single(error.Errors).Field);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Store.ListCalls);
        Assert.Empty(harness.History.All);
    }

    [Fact]
    public async Task A_blank_event_id_is_refused()
    {
        using var harness = new DomainHarness(trackChanges: false);

        var error = await Assert.ThrowsAsync<RequestValidationException>(() => harness.Send(new RecordBucketSize("data-bucket", " ")));

        Assert.Equal("EventId", Assert.Single(error.Errors).Field);
    }
}

/// <summary>Answers the first listing from the inner store at once but hands it over only when released, like a
/// response that is slow on the wire; every other call passes straight through.</summary>
public sealed class HoldingBlobStore(IBlobStore inner, Task release) : IBlobStore
{
    private readonly TaskCompletionSource _firstAnswered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _listings;

    public Task FirstListingAnswered => _firstAnswered.Task;

    public async Task<BlobPage> ListAsync(string bucketName, string? continuationToken, string? startAfter, CancellationToken cancellationToken)
    {
        var page = await inner.ListAsync(bucketName, continuationToken, startAfter, cancellationToken);
        if (Interlocked.Increment(ref _listings) == 1)
        {
            _firstAnswered.SetResult();
            await release.WaitAsync(cancellationToken);
        }

        return page;
    }

    public Task PutAsync(string bucketName, string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken) =>
        inner.PutAsync(bucketName, key, content, contentType, cancellationToken);

    public Task DeleteAsync(string bucketName, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        inner.DeleteAsync(bucketName, keys, cancellationToken);

    public Task<BlobHead?> HeadAsync(string bucketName, string key, CancellationToken cancellationToken) =>
        inner.HeadAsync(bucketName, key, cancellationToken);
}

public sealed class GetSizeHistoryTests
{
    [Fact]
    public async Task Reads_the_records_between_two_moments_both_included_oldest_first()
    {
        using var harness = new DomainHarness(trackChanges: false);
        var start = harness.Clock.GetUtcNow();
        foreach (var seconds in new[] { 0, 1, 2, 3 })
        {
            await harness.History.AppendAsync(new SizeRecord("data-bucket", start.AddSeconds(seconds), seconds, 1), null, default);
        }

        var all = await harness.Send(new GetSizeHistory("data-bucket"));
        var middle = await harness.Send(new GetSizeHistory("data-bucket", start.AddSeconds(1), start.AddSeconds(2)));

        Assert.Equal([0L, 1L, 2L, 3L], all.Select(r => r.TotalSize));
        Assert.Equal([1L, 2L], middle.Select(r => r.TotalSize));
    }

    [Theory]
    [InlineData("Not_A_Bucket", 0, "BucketName")]
    [InlineData("data-bucket", -1, "To")]
    public async Task A_bad_bucket_or_a_backwards_range_is_refused_naming_the_field(string bucket, int toOffsetSeconds, string field)
    {
        using var harness = new DomainHarness(trackChanges: false);
        var from = harness.Clock.GetUtcNow();

        var error = await Assert.ThrowsAsync<RequestValidationException>(
            () => harness.Send(new GetSizeHistory(bucket, from, from.AddSeconds(toOffsetSeconds))));

        Assert.Equal(field, Assert.Single(error.Errors).Field);
    }
}
