using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Assignment3.Domain.Tests;

public sealed class TrackObjectChangesTests
{
    private const string Data = DomainHarness.DataBucket;
    private const string Other = "other-bucket";

    private static ObjectChange Change(DomainHarness harness, string bucket, int n, DateTimeOffset? completedBy = null) =>
        new($"message-{bucket}-{n}", bucket, $"event-{bucket}-{n}", completedBy ?? harness.Clock.GetUtcNow());

    [Fact]
    public async Task A_burst_in_one_batch_costs_one_listing_per_bucket_and_one_record_each()
    {
        using var harness = new DomainHarness(trackChanges: false);
        for (var i = 0; i < 150; i++)
        {
            await harness.Store.PutAsync(Data, $"d/{i}", new byte[10], "text/plain", default);
        }

        await harness.Store.PutAsync(Other, "o", new byte[7], "text/plain", default);
        var batch = Enumerable.Range(0, 150).Select(i => Change(harness, Data, i)).Concat(Enumerable.Range(0, 50).Select(i => Change(harness, Other, i))).ToList();

        var tracked = await harness.Send(new TrackObjectChanges(batch));

        Assert.Equal(2, harness.Store.ListCalls);
        Assert.Equal(2, tracked.Listings);
        Assert.All(tracked.Changes, c => Assert.Equal(ChangeOutcome.Recorded, c.Outcome));
        Assert.Equal(batch, tracked.Changes.Select(c => c.Change));
        Assert.Equal([(Data, 1500L, 150), (Other, 7L, 1)], harness.History.All.OrderBy(r => r.BucketName, StringComparer.Ordinal).Select(r => (r.BucketName, r.TotalSize, r.ObjectCount)));
        Assert.Equal(2, tracked.NewRecords.Count);
    }

    [Theory]
    [InlineData(-1000, ChangeOutcome.Covered)] // complete a margin before the listing began: shown by it
    [InlineData(-999, ChangeOutcome.Recorded)] // within the margin: the clocks could disagree, so list
    [InlineData(5000, ChangeOutcome.Recorded)] // after the record: not shown by it
    public async Task A_change_the_latest_record_began_a_margin_after_costs_no_listing(int completedMsAfterRecord, ChangeOutcome expected)
    {
        using var harness = new DomainHarness(trackChanges: false);
        var earlier = await harness.Send(new RecordBucketSize(Data));
        var listingsBefore = harness.Store.ListCalls;
        harness.Clock.Advance(TimeSpan.FromSeconds(10));

        var tracked = await harness.Send(new TrackObjectChanges([Change(harness, Data, 1, earlier.Record.Time.AddMilliseconds(completedMsAfterRecord))]));

        var change = Assert.Single(tracked.Changes);
        Assert.Equal(expected, change.Outcome);
        var covered = expected == ChangeOutcome.Covered;
        Assert.Equal(covered ? 0 : 1, harness.Store.ListCalls - listingsBefore);
        Assert.Equal(covered ? 1 : 2, harness.History.All.Count);
        Assert.Equal(covered ? earlier.Record : harness.History.All[^1], change.Record);
    }

    [Fact]
    public async Task A_change_without_a_completion_time_is_never_covered()
    {
        using var harness = new DomainHarness(trackChanges: false);
        await harness.Send(new RecordBucketSize(Data));
        harness.Clock.Advance(TimeSpan.FromDays(1));

        var tracked = await harness.Send(new TrackObjectChanges([new ObjectChange("m", Data, "e", CompletedBy: null)]));

        Assert.Equal(ChangeOutcome.Recorded, Assert.Single(tracked.Changes).Outcome);
    }

    [Fact]
    public async Task A_batch_delivered_again_in_another_order_writes_nothing()
    {
        using var harness = new DomainHarness(trackChanges: false);
        await harness.Store.PutAsync(Data, "a", new byte[3], "text/plain", default);
        var batch = Enumerable.Range(0, 20).Select(i => Change(harness, Data, i)).ToList();
        var first = await harness.Send(new TrackObjectChanges(batch));
        harness.Clock.Advance(TimeSpan.FromMilliseconds(200)); // redelivered within the margin: not covered, so listed again

        var again = await harness.Send(new TrackObjectChanges([.. batch.AsEnumerable().Reverse(), batch[3]]));

        Assert.All(again.Changes, c => Assert.Equal(ChangeOutcome.AlreadyRecorded, c.Outcome));
        Assert.Empty(again.NewRecords);
        Assert.Equal(first.NewRecords, harness.History.All);
    }

    /// <summary>
    /// The first delivery lists for both changes; by the second, the record it wrote covers the older change but not
    /// the newer one (still within the margin). The second delivery must still find that record, not write another.
    /// </summary>
    [Fact]
    public async Task A_batch_delivered_again_when_part_of_it_is_covered_writes_nothing()
    {
        using var harness = new DomainHarness(trackChanges: false);
        await harness.Store.PutAsync(Data, "a", new byte[3], "text/plain", default);
        var now = harness.Clock.GetUtcNow();
        var batch = new[] { Change(harness, Data, 1, now.AddSeconds(-5)), Change(harness, Data, 2, now) };
        var first = await harness.Send(new TrackObjectChanges(batch));
        harness.Clock.Advance(TimeSpan.FromMilliseconds(200));

        var again = await harness.Send(new TrackObjectChanges(batch));

        Assert.Equal([ChangeOutcome.Recorded, ChangeOutcome.Recorded], first.Changes.Select(c => c.Outcome));
        Assert.Equal([ChangeOutcome.Covered, ChangeOutcome.AlreadyRecorded], again.Changes.Select(c => c.Outcome));
        Assert.Equal(first.NewRecords, harness.History.All);
    }

    [Fact]
    public void The_key_of_a_coalesced_record_ignores_order_and_repeats_and_is_the_event_id_for_one_event()
    {
        Assert.Equal("event-1", TrackObjectChangesHandler.IdempotencyKey(["event-1", "event-1"]));
        var key = TrackObjectChangesHandler.IdempotencyKey(["b", "a", "c"]);
        Assert.Equal(key, TrackObjectChangesHandler.IdempotencyKey(["c", "a", "b", "a"]));
        Assert.StartsWith(TrackObjectChangesHandler.BatchKeyPrefix, key, StringComparison.Ordinal);
        Assert.Equal(TrackObjectChangesHandler.BatchKeyPrefix.Length + 64, key.Length);
        Assert.NotEqual(key, TrackObjectChangesHandler.IdempotencyKey(["a", "b"]));
        // Not a plain join: ["a\nb"] and ["a", "b"] must differ.
        Assert.NotEqual(TrackObjectChangesHandler.IdempotencyKey(["a\nb", "c"]), TrackObjectChangesHandler.IdempotencyKey(["a", "b\nc"]));
    }

    [Fact]
    public async Task An_event_recorded_one_by_one_before_is_already_recorded_when_it_comes_alone_in_a_batch()
    {
        using var harness = new DomainHarness(trackChanges: false);
        var seed = await harness.Send(new RecordBucketSize(Data, "event-x"));

        var tracked = await harness.Send(new TrackObjectChanges([new ObjectChange("m", Data, "event-x", null)]));

        Assert.Equal((ChangeOutcome.AlreadyRecorded, seed.Record), (tracked.Changes[0].Outcome, tracked.Changes[0].Record));
        Assert.Single(harness.History.All);
    }

    [Fact]
    public async Task Partial_failures_are_reported_per_change_and_the_rest_is_tracked()
    {
        FailingBucketStore? failing = null;
        using var harness = new DomainHarness(trackChanges: false, configure: s => s.Replace(ServiceDescriptor.Singleton<IBlobStore>(_ => failing!)));
        failing = new FailingBucketStore(harness.Store);
        await harness.Store.PutAsync(Data, "a", new byte[4], "text/plain", default);
        var good = Change(harness, Data, 1);
        var broken = Change(harness, FailingBucketStore.Bucket, 1);
        var badName = Change(harness, "Not_A_Bucket", 1);
        var blankEvent = new ObjectChange("m-blank", Other, " ", null);

        var tracked = await harness.Send(new TrackObjectChanges([broken, good, badName, blankEvent, Change(harness, FailingBucketStore.Bucket, 2)]));

        Assert.Equal([ChangeOutcome.Failed, ChangeOutcome.Recorded, ChangeOutcome.Failed, ChangeOutcome.Failed, ChangeOutcome.Failed], tracked.Changes.Select(c => c.Outcome));
        Assert.Equal(["message-broken-bucket-1", "message-Not_A_Bucket-1", "m-blank", "message-broken-bucket-2"], tracked.Failures.Select(f => f.Change.ItemId));
        Assert.IsType<IOException>(tracked.Changes[0].Error);
        var refused = Assert.IsType<RequestValidationException>(tracked.Changes[2].Error);
        Assert.Equal("BucketName", Assert.Single(refused.Errors).Field);
        Assert.Equal("EventId", Assert.Single(Assert.IsType<RequestValidationException>(tracked.Changes[3].Error).Errors).Field);
        Assert.Equal((Data, 4L), (Assert.Single(harness.History.All).BucketName, harness.History.All[0].TotalSize));
        // One line per failed bucket: the fault as an error (marked, so the entry point does not repeat it), refusals as warnings.
        Assert.Single(harness.Logs.Entries, e => e.Level == Microsoft.Extensions.Logging.LogLevel.Error && e.Message.Contains("broken-bucket failed", StringComparison.Ordinal));
        Assert.True(FailureLog.WasLogged(tracked.Changes[0].Error!));
        Assert.Equal(2, harness.Logs.Entries.Count(e => e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("refused", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_empty_batch_or_a_change_without_an_item_id_is_refused_whole()
    {
        using var harness = new DomainHarness(trackChanges: false);

        var empty = await Assert.ThrowsAsync<RequestValidationException>(() => harness.Send(new TrackObjectChanges([])));
        var noId = await Assert.ThrowsAsync<RequestValidationException>(() => harness.Send(new TrackObjectChanges([new ObjectChange(" ", Data, "e", null)])));

        Assert.Equal("Changes", Assert.Single(empty.Errors).Field);
        Assert.Equal("ItemId", Assert.Single(noId.Errors).Field);
        Assert.Equal(0, harness.Store.ListCalls);
    }

    /// <summary>
    /// 500 changes (creates, overwrites, deletes) made 100 ms apart; every so often a batch of the events not yet
    /// delivered goes out, shuffled, with repeats and with earlier batches delivered again. Whatever the order, the
    /// history ends on what a listing of the bucket says.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task A_shuffled_duplicated_stream_of_batches_ends_on_the_listings_totals(int seed)
    {
        using var harness = new DomainHarness(trackChanges: false);
        var random = new Random(seed);
        var pending = new List<ObjectChange>();
        var delivered = new List<List<ObjectChange>>();
        var batches = 0;

        async Task DeliverAsync(List<ObjectChange> batch)
        {
            batches++;
            var tracked = await harness.Send(new TrackObjectChanges(batch));
            Assert.Empty(tracked.Failures);
            Assert.InRange(tracked.Listings, 0, 1);
            harness.Clock.Advance(TimeSpan.FromMilliseconds(random.Next(0, 300)));
        }

        for (var n = 0; n < 500; n++)
        {
            var key = $"k/{random.Next(0, 40)}";
            if (random.Next(0, 4) == 0)
            {
                await harness.Store.DeleteAsync(Data, [key], default);
            }
            else
            {
                await harness.Store.PutAsync(Data, key, new byte[random.Next(0, 100)], "text/plain", default);
            }

            pending.Add(Change(harness, Data, n));
            harness.Clock.Advance(TimeSpan.FromMilliseconds(100));
            if (random.Next(0, 15) == 0)
            {
                // Some events stay behind for a later batch; some of the batch's come twice.
                var batch = pending.Where(_ => random.Next(0, 4) != 0).ToList();
                batch.AddRange(batch.Where(_ => random.Next(0, 5) == 0).ToList());
                pending.RemoveAll(batch.Contains);
                if (batch.Count > 0)
                {
                    await DeliverAsync([.. batch.OrderBy(_ => random.Next())]);
                    delivered.Add(batch);
                }
            }

            if (delivered.Count > 0 && random.Next(0, 40) == 0)
            {
                await DeliverAsync([.. delivered[random.Next(0, delivered.Count)].OrderBy(_ => random.Next())]);
            }
        }

        if (pending.Count > 0)
        {
            await DeliverAsync([.. pending.OrderBy(_ => random.Next())]);
        }

        var truth = (Size: 0L, Count: 0);
        await foreach (var blob in harness.Store.ListAllAsync(Data))
        {
            truth = (truth.Size + blob.Size, truth.Count + 1);
        }

        var latest = await harness.History.GetLatestAsync(Data, default);
        Assert.Equal(truth, (latest!.TotalSize, latest.ObjectCount));
        Assert.True(harness.History.All.Count <= batches, "at most one record per batch");
    }
}

/// <summary>Lists every bucket but one from the inner store; listing that one fails as a broken connection would.</summary>
public sealed class FailingBucketStore(IBlobStore inner) : IBlobStore
{
    public const string Bucket = "broken-bucket";

    public Task<BlobPage> ListAsync(string bucketName, string? continuationToken, string? startAfter, CancellationToken cancellationToken) =>
        bucketName == Bucket ? throw new IOException("connection reset while listing") : inner.ListAsync(bucketName, continuationToken, startAfter, cancellationToken);

    public Task PutAsync(string bucketName, string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken) =>
        inner.PutAsync(bucketName, key, content, contentType, cancellationToken);

    public Task DeleteAsync(string bucketName, IReadOnlyCollection<string> keys, CancellationToken cancellationToken) =>
        inner.DeleteAsync(bucketName, keys, cancellationToken);

    public Task<BlobHead?> HeadAsync(string bucketName, string key, CancellationToken cancellationToken) =>
        bucketName == Bucket ? throw new IOException("connection reset while asking for the object") : inner.HeadAsync(bucketName, key, cancellationToken);
}
