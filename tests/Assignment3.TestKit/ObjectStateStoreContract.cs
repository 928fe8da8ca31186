using Assignment3.Domain.Ports;

namespace Assignment3.TestKit;

/// <summary>What every <see cref="IObjectStateStore"/> must do. An adapter is done when its subclass passes.</summary>
public abstract class ObjectStateStoreContract
{
    private const string Bucket = "tracked-bucket";

    // When the contract's states are written (epoch ms): each store must give it back.
    private const long At = 1_764_500_000_000;

    private static readonly ObjectState Small = new(ObjectStatus.Present, 18, "etag-18", null, "0055AA0001");
    private static readonly ObjectState Large = new(ObjectStatus.Present, 27, "etag-27", "version-2", "0055aa0002");

    /// <summary>An empty store.</summary>
    protected abstract Task<IObjectStateStore> CreateStoreAsync();

    [Fact]
    public async Task A_key_never_written_has_no_state_and_a_bucket_never_written_has_zero_totals()
    {
        var store = await CreateStoreAsync();

        Assert.Empty(await store.GetAsync(Bucket, ["a.txt"], default));
        Assert.Equal(BucketTotals.Zero, await store.GetTotalsAsync(Bucket, default));
    }

    [Fact]
    public async Task Apply_stores_every_field_of_each_status_with_revision_one_and_adds_the_delta()
    {
        var store = await CreateStoreAsync();
        var tombstone = new ObjectState(ObjectStatus.DeletedBeforeSeen, 0, null, null, "0055AA0003");
        var marker = new ObjectState(ObjectStatus.Deleted, 0, null, "marker-1", null);

        Assert.True(await store.ApplyAsync(Bucket, [new("a.txt", Small, 0, At), new("b.txt", tombstone, 0, At), new("c.txt", marker, 0, At)],
            new BucketTotals(18, 1, 1), default));

        var stored = await store.GetAsync(Bucket, ["a.txt", "b.txt", "c.txt", "missing.txt"], default);
        Assert.Equal(new StoredObjectState(Small, 1, At), stored["a.txt"]);
        Assert.Equal(new StoredObjectState(tombstone, 1, At), stored["b.txt"]);
        Assert.Equal(new StoredObjectState(marker, 1, At), stored["c.txt"]);
        Assert.Equal(3, stored.Count);
        Assert.Equal(new BucketTotals(18, 1, 1), await store.GetTotalsAsync(Bucket, default));
    }

    [Fact]
    public async Task A_write_expecting_the_stored_revision_replaces_the_state_and_the_deltas_add_up()
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync(Bucket, [new("a.txt", Small, 0, At)], new BucketTotals(18, 1, 0), default);

        Assert.True(await store.ApplyAsync(Bucket, [new("a.txt", Large, 1, At)], new BucketTotals(9, 0, 0), default));

        Assert.Equal(new StoredObjectState(Large, 2, At), (await store.GetAsync(Bucket, ["a.txt"], default))["a.txt"]);
        Assert.Equal(new BucketTotals(27, 1, 0), await store.GetTotalsAsync(Bucket, default));
    }

    [Theory]
    [InlineData(0)] // expects no state, but there is one
    [InlineData(2)] // expects a revision nobody wrote
    public async Task An_apply_with_one_stale_revision_writes_nothing_at_all(long staleRevision)
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync(Bucket, [new("a.txt", Small, 0, At)], new BucketTotals(18, 1, 0), default);

        Assert.False(await store.ApplyAsync(Bucket, [new("new.txt", Large, 0, At), new("a.txt", Large, staleRevision, At)], new BucketTotals(36, 1, 0), default));

        Assert.Equal(new StoredObjectState(Small, 1, At), Assert.Single(await store.GetAsync(Bucket, ["a.txt", "new.txt"], default)).Value);
        Assert.Equal(new BucketTotals(18, 1, 0), await store.GetTotalsAsync(Bucket, default));
    }

    [Fact]
    public async Task Only_one_of_two_concurrent_applies_expecting_the_same_revision_wins()
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync(Bucket, [new("a.txt", Small, 0, At)], new BucketTotals(18, 1, 0), default);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            store.ApplyAsync(Bucket, [new("a.txt", Large with { Size = 100 + i }, 1, At)], new BucketTotals(82 + i, 0, 0), default))));

        var winner = Assert.Single(results.Select((won, i) => (won, i)), r => r.won).i;
        Assert.Equal(new StoredObjectState(Large with { Size = 100 + winner }, 2, At), (await store.GetAsync(Bucket, ["a.txt"], default))["a.txt"]);
        Assert.Equal(new BucketTotals(100 + winner, 1, 0), await store.GetTotalsAsync(Bucket, default));
    }

    [Fact]
    public async Task Buckets_keep_their_own_states_and_totals()
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync(Bucket, [new("a.txt", Small, 0, At)], new BucketTotals(18, 1, 0), default);
        await store.ApplyAsync("other-bucket", [new("a.txt", Large, 0, At)], new BucketTotals(27, 1, 0), default);

        Assert.Equal(Small, (await store.GetAsync(Bucket, ["a.txt"], default))["a.txt"].State);
        Assert.Equal(Large, (await store.GetAsync("other-bucket", ["a.txt"], default))["a.txt"].State);
        Assert.Equal(new BucketTotals(18, 1, 0), await store.GetTotalsAsync(Bucket, default));
    }

    [Fact]
    public async Task An_apply_larger_than_the_store_takes_or_naming_a_key_twice_is_refused()
    {
        var store = await CreateStoreAsync();
        var tooMany = Enumerable.Range(0, store.MaxObjectsPerApply + 1).Select(i => new ObjectStateWrite($"k{i}", Small, 0, At)).ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => store.ApplyAsync(Bucket, tooMany, BucketTotals.Zero, default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ApplyAsync(Bucket, [new("a.txt", Small, 0, At), new("a.txt", Large, 0, At)], BucketTotals.Zero, default));
        Assert.Empty(await store.GetAsync(Bucket, ["a.txt", "k0"], default));
    }

    [Fact]
    public async Task When_a_state_was_written_and_when_it_was_seen_are_given_back_by_both_reads()
    {
        var store = await CreateStoreAsync();
        var seen = Small with { Sequencer = null, ObservedAt = At - 500 };
        await store.ApplyAsync(Bucket, [new("a.txt", seen, 0, At), new("b.txt", Large, 0, At + 7)], new BucketTotals(45, 2, 0), default);

        var byKey = await store.GetAsync(Bucket, ["a.txt", "b.txt"], default);
        var byRange = await store.GetRangeAsync(Bucket, KeyRange.All, default);

        Assert.Equal(new StoredObjectState(seen, 1, At), byKey["a.txt"]);
        Assert.Equal(new StoredObjectState(Large, 1, At + 7), byKey["b.txt"]);
        Assert.Equal(byKey.OrderBy(e => e.Key, StringComparer.Ordinal), byRange.OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    /// <summary>
    /// Keys in S3's order (UTF-8 bytes): "z" (7A) &lt; U+E000 (EE 80 80) &lt; U+1F600 (F0 9F 98 80), although .NET's ordinal
    /// order puts U+1F600 (a surrogate pair, D83D DE00) before U+E000.
    /// </summary>
    [Theory]
    [InlineData(null, null, "a|b|b/1|c|z|\uE000|\U0001F600")]
    [InlineData("b", "c", "b/1|c")]
    [InlineData(null, "b", "a|b")]
    [InlineData("a", "a", "")]
    [InlineData("c", null, "z|\uE000|\U0001F600")]
    [InlineData("z", null, "\uE000|\U0001F600")]
    [InlineData("\uE000", "\U0001F600", "\U0001F600")]
    [InlineData("b/0", "b/2", "b/1")]
    public async Task A_range_read_gives_the_states_after_its_start_through_its_end_in_S3s_order_of_this_bucket_only(
        string? after, string? through, string expected)
    {
        var store = await CreateStoreAsync();
        string[] keys = ["a", "b", "b/1", "c", "z", "\uE000", "\U0001F600"];
        await store.ApplyAsync(Bucket, [.. keys.Select(k => new ObjectStateWrite(k, Small, 0, At))], new BucketTotals(18 * keys.Length, keys.Length, 0), default);
        await store.ApplyAsync("other-bucket", [.. keys.Select(k => new ObjectStateWrite(k, Large, 0, At))], new BucketTotals(27 * keys.Length, keys.Length, 0), default);

        var found = await store.GetRangeAsync(Bucket, new KeyRange(after, through), default);

        var wanted = expected.Length == 0 ? [] : expected.Split('|');
        Assert.Equal(wanted.Order(StringComparer.Ordinal), found.Keys.Order(StringComparer.Ordinal));
        Assert.All(found.Values, state => Assert.Equal(new StoredObjectState(Small, 1, At), state));
    }

    [Fact]
    public async Task Saving_progress_never_forgets_that_a_reconciliation_finished()
    {
        var store = await CreateStoreAsync();
        await store.SaveReconciliationAsync(Bucket, new ReconciliationMark(At, null), default);

        // Another reconciliation, begun before that one finished, saves its progress.
        await store.SaveReconciliationAsync(Bucket, new ReconciliationMark(null, "k/0500"), default);
        var underWay = await store.GetReconciliationAsync(Bucket, default);
        await store.SaveReconciliationAsync(Bucket, new ReconciliationMark(At + 60_000, null), default);

        Assert.Equal(new ReconciliationMark(At, "k/0500"), underWay);
        Assert.Equal(new ReconciliationMark(At + 60_000, null), await store.GetReconciliationAsync(Bucket, default));
    }

    [Fact]
    public async Task A_reconciliation_mark_is_absent_until_saved_then_replaced_per_bucket_and_leaves_the_totals_alone()
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync(Bucket, [new("a.txt", Small, 0, At)], new BucketTotals(18, 1, 0), default);
        Assert.Null(await store.GetReconciliationAsync(Bucket, default));

        await store.SaveReconciliationAsync(Bucket, new ReconciliationMark(null, "k/0999"), default);
        var underWay = await store.GetReconciliationAsync(Bucket, default);
        await store.SaveReconciliationAsync(Bucket, new ReconciliationMark(At, null), default);
        await store.SaveReconciliationAsync("never-written", new ReconciliationMark(At + 1, null), default);

        Assert.Equal(new ReconciliationMark(null, "k/0999"), underWay);
        Assert.Equal(new ReconciliationMark(At, null), await store.GetReconciliationAsync(Bucket, default));
        Assert.Equal(new ReconciliationMark(At + 1, null), await store.GetReconciliationAsync("never-written", default));
        Assert.Null(await store.GetReconciliationAsync("other-bucket", default));
        Assert.Equal(new BucketTotals(18, 1, 0), await store.GetTotalsAsync(Bucket, default));
        Assert.Equal(BucketTotals.Zero, await store.GetTotalsAsync("never-written", default));
    }
}
