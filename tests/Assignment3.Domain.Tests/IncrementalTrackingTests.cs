using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Assignment3.Domain.Tests;

public sealed class IncrementalTrackingTests
{
    private const string Data = DomainHarness.DataBucket;

    /// <summary>
    /// A harness in <paramref name="mode"/> whose blob store is a simulated bucket and whose state store is counted. Unless
    /// <paramref name="reconciled"/> is false, the bucket was reconciled while it was empty, before the test began: its
    /// tracking starts from nothing, as when a new bucket is tracked from its creation.
    /// </summary>
    private static (DomainHarness Harness, SimulatedS3Bucket Bucket, CountingObjectStateStore States) Create(
        TrackingMode mode = TrackingMode.Incremental, bool versioned = false, IObjectStateStore? states = null, bool reconciled = true)
    {
        SimulatedS3Bucket? bucket = null;
        CountingObjectStateStore? counting = null;
        var harness = new DomainHarness(trackChanges: false, tracking: mode, configure: s => s
            .Replace(ServiceDescriptor.Singleton<IBlobStore>(_ => bucket!))
            .Replace(ServiceDescriptor.Singleton<IObjectStateStore>(_ => counting!)));
        bucket = new SimulatedS3Bucket(Data, versioned, harness.Clock);
        var inner = states ?? harness.ObjectStates;
        if (reconciled)
        {
            inner.SaveReconciliationAsync(Data, new ReconciliationMark(0, null), default).GetAwaiter().GetResult();
        }

        counting = new CountingObjectStateStore(inner);
        return (harness, bucket, counting);
    }

    private static ObjectChange At(ObjectChange change, string sequencer) => change with { Target = change.Target! with { Sequencer = sequencer } };

    /// <summary>
    /// 500 changes (creates, overwrites, deletes; in a versioned bucket also delete markers and deletions of current and
    /// noncurrent versions) made 100 ms apart on a simulated bucket; every so often the events not yet delivered go out
    /// in a batch, shuffled, with repeats, and earlier batches come again. Whatever the order, the history ends on what a
    /// listing of the bucket says, in both modes.
    /// </summary>
    [Theory]
    [InlineData(TrackingMode.Incremental, false, 1)]
    [InlineData(TrackingMode.Incremental, true, 2)]
    [InlineData(TrackingMode.Incremental, true, 3)]
    [InlineData(TrackingMode.Listing, false, 1)]
    [InlineData(TrackingMode.Listing, true, 2)]
    public async Task A_shuffled_duplicated_stream_of_500_events_ends_on_the_listings_totals(TrackingMode mode, bool versioned, int seed)
    {
        var (harness, bucket, _) = Create(mode, versioned);
        using var disposeHarness = harness;
        var random = new Random(seed);
        var pending = new List<ObjectChange>();
        var delivered = new List<List<ObjectChange>>();
        var batches = 0;

        async Task DeliverAsync(List<ObjectChange> batch)
        {
            batches++;
            var tracked = await harness.Send(new TrackObjectChanges(batch));
            Assert.Empty(tracked.Failures);
            harness.Clock.Advance(TimeSpan.FromMilliseconds(random.Next(0, 300)));
        }

        for (var n = 0; n < 500; n++)
        {
            var change = bucket.RandomChange(random, 30);
            if (change is not null)
            {
                pending.Add(change);
            }

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

        var latest = await harness.History.GetLatestAsync(Data, default);
        Assert.Equal(bucket.ListingTotals(), (latest!.TotalSize, latest.ObjectCount));
        Assert.True(harness.History.All.Count <= batches, "at most one record per batch");
        if (mode == TrackingMode.Incremental)
        {
            Assert.Equal(0, bucket.ListCalls);
        }
    }

    /// <summary>
    /// After a reconciliation of a bucket that held objects before it was tracked, an event costs no S3 request and the
    /// same few store requests in a bucket of 10 objects as in one of 100,000.
    /// </summary>
    [Fact]
    public async Task After_a_reconciliation_an_event_costs_no_S3_request_and_the_same_requests_whatever_the_buckets_size()
    {
        async Task<(int StateCalls, int Listings, int Heads, long HistoryReads, int Records)> CostOfOneEventAsync(int objects)
        {
            var history = new ReadCountingHistory(new Adapters.InMemory.InMemoryHistoryRepository());
            var (harness, bucket, states) = Create(reconciled: false);
            using var disposeHarness = harness;
            var settings = TrackingSettings.Default with { Mode = TrackingMode.Incremental };
            foreach (var i in Enumerable.Range(0, objects))
            {
                bucket.Put($"seed/{i:D6}", 10); // there before tracking began: their events are not delivered
            }

            var reconciled = await new ReconcileBucketHandler(bucket, history, harness.Clock, settings,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<ReconcileBucketHandler>.Instance, states).Handle(new ReconcileBucket(Data), default);
            Assert.Equal((objects, objects * 10L, (long)objects), (reconciled.ObjectsListed, reconciled.Drift.TotalSize, reconciled.Drift.ObjectCount));
            Assert.Equal((objects + 999) / 1000, bucket.ListCalls);
            harness.Clock.Advance(TimeSpan.FromSeconds(2));

            var tracker = new TrackObjectChangesHandler(bucket, history, harness.Clock, settings,
                Microsoft.Extensions.Logging.Abstractions.NullLogger<TrackObjectChangesHandler>.Instance, states);
            var (calls, lists, heads, reads, records) = (states.Calls, bucket.ListCalls, bucket.HeadCalls, history.ItemsRead,
                (await history.GetRangeAsync(Data, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, default)).Count);
            var tracked = await tracker.Handle(new TrackObjectChanges([bucket.Put("seed/000003", 25)]), default);

            Assert.Equal(ChangeOutcome.Recorded, Assert.Single(tracked.Changes).Outcome);
            Assert.Equal((objects * 10L + 15, objects), (tracked.Changes[0].Record!.TotalSize, tracked.Changes[0].Record!.ObjectCount));
            var recordsAfter = (await history.GetRangeAsync(Data, DateTimeOffset.MinValue, DateTimeOffset.MaxValue, default)).Count;
            return (states.Calls - calls, bucket.ListCalls - lists, bucket.HeadCalls - heads, history.ItemsRead - reads - recordsAfter - records, recordsAfter - records);
        }

        var small = await CostOfOneEventAsync(10);
        var large = await CostOfOneEventAsync(100_000);

        // Is the bucket reconciled? Read the key's state, apply it with the totals, read the totals; append one record;
        // nothing listed or asked of S3.
        Assert.Equal((4, 0, 0, 0L, 1), small);
        Assert.Equal(small, large);
    }

    [Fact]
    public async Task Duplicates_and_stale_events_change_nothing()
    {
        var (harness, bucket, states) = Create();
        using var disposeHarness = harness;
        var first = bucket.Put("a.txt", 18);
        var second = bucket.Put("a.txt", 27);
        await harness.Send(new TrackObjectChanges([second]));
        var stateBefore = await harness.ObjectStates.GetAsync(Data, ["a.txt"], default);
        var records = harness.History.All;

        var again = await harness.Send(new TrackObjectChanges([first, second, second with { ItemId = "redelivered" }]));

        Assert.All(again.Changes, c => Assert.Equal(ChangeOutcome.Covered, c.Outcome));
        Assert.Equal(stateBefore, await harness.ObjectStates.GetAsync(Data, ["a.txt"], default));
        Assert.Equal(new BucketTotals(27, 1, 0), await harness.ObjectStates.GetTotalsAsync(Data, default));
        Assert.Equal(records, harness.History.All);
        Assert.Equal(0, bucket.HeadCalls);
    }

    [Fact]
    public async Task A_batch_delivered_again_after_its_record_writes_nothing()
    {
        var (harness, bucket, _) = Create();
        using var disposeHarness = harness;
        var batch = new List<ObjectChange> { bucket.Put("a.txt", 18), bucket.Put("b.txt", 2) };
        await harness.Send(new TrackObjectChanges(batch));

        var again = await harness.Send(new TrackObjectChanges([.. batch.AsEnumerable().Reverse()]));

        Assert.All(again.Changes, c => Assert.Equal(ChangeOutcome.Covered, c.Outcome));
        Assert.Single(harness.History.All);
    }

    [Fact]
    public async Task A_delete_of_a_key_never_seen_is_remembered_so_its_late_create_changes_nothing()
    {
        var (harness, bucket, _) = Create();
        using var disposeHarness = harness;
        var create = bucket.Put("late.txt", 50);
        var delete = bucket.Delete("late.txt")!;

        var deleted = await harness.Send(new TrackObjectChanges([delete]));
        var late = await harness.Send(new TrackObjectChanges([create]));

        Assert.Equal(ChangeOutcome.Recorded, Assert.Single(deleted.Changes).Outcome);
        Assert.Equal(ChangeOutcome.Covered, Assert.Single(late.Changes).Outcome);
        Assert.Equal((0, 0), (bucket.ListCalls, bucket.HeadCalls));
        Assert.Equal(new BucketTotals(0, 0, 1), await harness.ObjectStates.GetTotalsAsync(Data, default));
        var tombstone = (await harness.ObjectStates.GetAsync(Data, ["late.txt"], default))["late.txt"].State;
        Assert.Equal((ObjectStatus.DeletedBeforeSeen, delete.Target!.Sequencer), (tombstone.Status, tombstone.Sequencer));
        Assert.Equal((0L, 0), (harness.History.All[^1].TotalSize, harness.History.All[^1].ObjectCount));
    }

    [Fact]
    public async Task A_delete_takes_its_size_from_the_stored_state()
    {
        var (harness, bucket, _) = Create();
        using var disposeHarness = harness;
        await harness.Send(new TrackObjectChanges([bucket.Put("a.txt", 18), bucket.Put("b.txt", 2)]));

        await harness.Send(new TrackObjectChanges([bucket.Delete("a.txt")!]));

        Assert.Equal(new BucketTotals(2, 1, 0), await harness.ObjectStates.GetTotalsAsync(Data, default));
        Assert.Equal((2L, 1), (harness.History.All[^1].TotalSize, harness.History.All[^1].ObjectCount));
    }

    [Theory]
    [InlineData("00000000000000ff", "0000000000000100")] // 16 digits, then 16 more: compared, no confirmation
    [InlineData("00000000000000FE", "00000000000000ff")] // the same ignoring case
    public async Task Sequencers_of_one_length_are_compared_ignoring_case(string older, string newer)
    {
        var (harness, bucket, _) = Create();
        using var disposeHarness = harness;
        var small = At(bucket.Put("a.txt", 18), older);
        var large = At(bucket.Put("a.txt", 27), newer);

        var tracked = await harness.Send(new TrackObjectChanges([large, small]));

        Assert.Equal((0, 0), (tracked.Confirmations, bucket.HeadCalls));
        Assert.Equal(new BucketTotals(27, 1, 0), await harness.ObjectStates.GetTotalsAsync(Data, default));
    }

    [Fact]
    public async Task Sequencers_of_different_lengths_are_never_compared_but_confirmed_with_a_head_request()
    {
        var (harness, bucket, _) = Create();
        using var disposeHarness = harness;
        // The newer event carries the shorter value: padded on either side, a comparison would call it older or newer by luck.
        var first = At(bucket.Put("a.txt", 18), "0000000000000000A1");
        var second = At(bucket.Put("a.txt", 27), "00000000000000B2");

        await harness.Send(new TrackObjectChanges([first]));
        var tracked = await harness.Send(new TrackObjectChanges([second]));

        Assert.Equal((1, 1), (tracked.Confirmations, bucket.HeadCalls));
        Assert.Equal(new BucketTotals(27, 1, 0), await harness.ObjectStates.GetTotalsAsync(Data, default));
        // The state keeps its own sequencer, so the shorter one delivered again is confirmed again, never compared.
        var replay = await harness.Send(new TrackObjectChanges([second with { ItemId = "again" }]));
        Assert.Equal(1, replay.Confirmations);
        Assert.Equal(new BucketTotals(27, 1, 0), await harness.ObjectStates.GetTotalsAsync(Data, default));
    }

    [Fact]
    public async Task In_a_versioned_bucket_a_delete_marker_hides_the_key_and_removing_it_brings_the_older_version_back()
    {
        var (harness, bucket, _) = Create(versioned: true);
        using var disposeHarness = harness;
        await harness.Send(new TrackObjectChanges([bucket.Put("a.txt", 18), bucket.Put("a.txt", 27)]));

        var marker = bucket.Delete("a.txt")!;
        await harness.Send(new TrackObjectChanges([marker]));
        var hidden = await harness.ObjectStates.GetTotalsAsync(Data, default);
        var restored = await harness.Send(new TrackObjectChanges([bucket.DeleteVersion("a.txt", marker.Target!.VersionId!)]));

        Assert.Equal(new BucketTotals(0, 0, 0), hidden);
        Assert.Equal(1, restored.Confirmations);
        Assert.Equal(new BucketTotals(27, 1, 0), await harness.ObjectStates.GetTotalsAsync(Data, default));
        Assert.Equal(bucket.ListingTotals(), (harness.History.All[^1].TotalSize, harness.History.All[^1].ObjectCount));
    }

    [Fact]
    public async Task In_a_versioned_bucket_removing_the_current_version_brings_the_one_before_back()
    {
        var (harness, bucket, _) = Create(versioned: true);
        using var disposeHarness = harness;
        var older = bucket.Put("a.txt", 18);
        var current = bucket.Put("a.txt", 27);
        await harness.Send(new TrackObjectChanges([older, current]));

        var tracked = await harness.Send(new TrackObjectChanges([bucket.DeleteVersion("a.txt", current.Target!.VersionId!)]));

        Assert.Equal(1, tracked.Confirmations);
        Assert.Equal(new BucketTotals(18, 1, 0), await harness.ObjectStates.GetTotalsAsync(Data, default));
    }

    [Fact]
    public async Task Removing_a_noncurrent_version_the_state_is_newer_than_changes_nothing_and_asks_nothing()
    {
        var (harness, bucket, _) = Create(versioned: true);
        using var disposeHarness = harness;
        var older = bucket.Put("a.txt", 18);
        var removal = bucket.DeleteVersion("a.txt", older.Target!.VersionId!);
        var current = bucket.Put("a.txt", 27);
        await harness.Send(new TrackObjectChanges([older, current]));
        var records = harness.History.All;

        var tracked = await harness.Send(new TrackObjectChanges([removal]));

        Assert.Equal((0, ChangeOutcome.Covered), (tracked.Confirmations, tracked.Changes[0].Outcome));
        Assert.Equal(new BucketTotals(27, 1, 0), await harness.ObjectStates.GetTotalsAsync(Data, default));
        Assert.Equal(records, harness.History.All);
    }

    [Fact]
    public async Task A_batch_that_another_batch_overtakes_reads_again_and_counts_both()
    {
        var (harness, bucket, states) = Create();
        using var disposeHarness = harness;
        var overtaking = bucket.Put("a.txt", 18);
        var mine = bucket.Put("a.txt", 27);
        var other = bucket.Put("b.txt", 5);
        // Just before this batch's apply, another batch writes a.txt's older version: the first apply must fail and be redone.
        states.BeforeNextApply = () => harness.ObjectStates.ApplyAsync(Data,
            [new ObjectStateWrite("a.txt", new ObjectState(ObjectStatus.Present, 18, null, null, overtaking.Target!.Sequencer), 0, 0)],
            new BucketTotals(18, 1, 0), default);

        await harness.Send(new TrackObjectChanges([mine, other]));

        Assert.Equal(new BucketTotals(32, 1 + 1, 0), await harness.ObjectStates.GetTotalsAsync(Data, default));
        Assert.Equal(2, (await harness.ObjectStates.GetAsync(Data, ["a.txt"], default))["a.txt"].Revision);
    }

    [Fact]
    public async Task A_batch_touching_more_keys_than_one_apply_takes_is_applied_in_parts_and_recorded_once()
    {
        var (harness, bucket, _) = Create();
        using var disposeHarness = harness;
        var batch = Enumerable.Range(0, 250).Select(i => bucket.Put($"k/{i}", 4)).ToList();

        var tracked = await harness.Send(new TrackObjectChanges(batch));

        Assert.Equal(new BucketTotals(1000, 250, 0), await harness.ObjectStates.GetTotalsAsync(Data, default));
        Assert.Equal((1000L, 250), (Assert.Single(harness.History.All).TotalSize, harness.History.All[0].ObjectCount));
        Assert.Single(tracked.NewRecords);
    }

    [Fact]
    public async Task A_change_without_its_object_is_refused_in_incremental_mode_only()
    {
        var (harness, _, _) = Create();
        using var disposeHarness = harness;

        var tracked = await harness.Send(new TrackObjectChanges([new ObjectChange("m", Data, "e", null)]));

        var refused = Assert.IsType<RequestValidationException>(Assert.Single(tracked.Failures).Error);
        Assert.Equal("Target", Assert.Single(refused.Errors).Field);
    }

    [Fact]
    public async Task Incremental_mode_without_a_state_store_says_so()
    {
        using var harness = new DomainHarness(trackChanges: false, tracking: TrackingMode.Incremental,
            configure: s => s.RemoveAll<IObjectStateStore>());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.Send(new TrackObjectChanges([new ObjectChange("m", Data, "e", null)])));

        Assert.Contains(nameof(IObjectStateStore), error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0A", "0a", SequencerOrder.Same)]
    [InlineData("0B", "0a", SequencerOrder.Newer)]
    [InlineData("0a", "0B", SequencerOrder.Older)]
    [InlineData("FF", "0100", SequencerOrder.Unknown)]
    [InlineData("0100", "FF", SequencerOrder.Unknown)]
    [InlineData("0G", "0A", SequencerOrder.Unknown)]
    [InlineData(null, "0A", SequencerOrder.Unknown)]
    [InlineData("0A", null, SequencerOrder.Unknown)]
    public void Sequencers_compare_only_at_equal_length_as_hexadecimal(string? candidate, string? stored, SequencerOrder expected) =>
        Assert.Equal(expected, Sequencers.Compare(candidate, stored));
}
