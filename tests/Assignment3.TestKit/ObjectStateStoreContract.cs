using Assignment3.Domain.Ports;

namespace Assignment3.TestKit;

/// <summary>What every <see cref="IObjectStateStore"/> must do. An adapter is done when its subclass passes.</summary>
public abstract class ObjectStateStoreContract
{
    private const string Bucket = "tracked-bucket";

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

        Assert.True(await store.ApplyAsync(Bucket, [new("a.txt", Small, 0), new("b.txt", tombstone, 0), new("c.txt", marker, 0)],
            new BucketTotals(18, 1, 1), default));

        var stored = await store.GetAsync(Bucket, ["a.txt", "b.txt", "c.txt", "missing.txt"], default);
        Assert.Equal(new StoredObjectState(Small, 1), stored["a.txt"]);
        Assert.Equal(new StoredObjectState(tombstone, 1), stored["b.txt"]);
        Assert.Equal(new StoredObjectState(marker, 1), stored["c.txt"]);
        Assert.Equal(3, stored.Count);
        Assert.Equal(new BucketTotals(18, 1, 1), await store.GetTotalsAsync(Bucket, default));
    }

    [Fact]
    public async Task A_write_expecting_the_stored_revision_replaces_the_state_and_the_deltas_add_up()
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync(Bucket, [new("a.txt", Small, 0)], new BucketTotals(18, 1, 0), default);

        Assert.True(await store.ApplyAsync(Bucket, [new("a.txt", Large, 1)], new BucketTotals(9, 0, 0), default));

        Assert.Equal(new StoredObjectState(Large, 2), (await store.GetAsync(Bucket, ["a.txt"], default))["a.txt"]);
        Assert.Equal(new BucketTotals(27, 1, 0), await store.GetTotalsAsync(Bucket, default));
    }

    [Theory]
    [InlineData(0)] // expects no state, but there is one
    [InlineData(2)] // expects a revision nobody wrote
    public async Task An_apply_with_one_stale_revision_writes_nothing_at_all(long staleRevision)
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync(Bucket, [new("a.txt", Small, 0)], new BucketTotals(18, 1, 0), default);

        Assert.False(await store.ApplyAsync(Bucket, [new("new.txt", Large, 0), new("a.txt", Large, staleRevision)], new BucketTotals(36, 1, 0), default));

        Assert.Equal(new StoredObjectState(Small, 1), Assert.Single(await store.GetAsync(Bucket, ["a.txt", "new.txt"], default)).Value);
        Assert.Equal(new BucketTotals(18, 1, 0), await store.GetTotalsAsync(Bucket, default));
    }

    [Fact]
    public async Task Only_one_of_two_concurrent_applies_expecting_the_same_revision_wins()
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync(Bucket, [new("a.txt", Small, 0)], new BucketTotals(18, 1, 0), default);

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            store.ApplyAsync(Bucket, [new("a.txt", Large with { Size = 100 + i }, 1)], new BucketTotals(82 + i, 0, 0), default))));

        var winner = Assert.Single(results.Select((won, i) => (won, i)), r => r.won).i;
        Assert.Equal(new StoredObjectState(Large with { Size = 100 + winner }, 2), (await store.GetAsync(Bucket, ["a.txt"], default))["a.txt"]);
        Assert.Equal(new BucketTotals(100 + winner, 1, 0), await store.GetTotalsAsync(Bucket, default));
    }

    [Fact]
    public async Task Buckets_keep_their_own_states_and_totals()
    {
        var store = await CreateStoreAsync();
        await store.ApplyAsync(Bucket, [new("a.txt", Small, 0)], new BucketTotals(18, 1, 0), default);
        await store.ApplyAsync("other-bucket", [new("a.txt", Large, 0)], new BucketTotals(27, 1, 0), default);

        Assert.Equal(Small, (await store.GetAsync(Bucket, ["a.txt"], default))["a.txt"].State);
        Assert.Equal(Large, (await store.GetAsync("other-bucket", ["a.txt"], default))["a.txt"].State);
        Assert.Equal(new BucketTotals(18, 1, 0), await store.GetTotalsAsync(Bucket, default));
    }

    [Fact]
    public async Task An_apply_larger_than_the_store_takes_or_naming_a_key_twice_is_refused()
    {
        var store = await CreateStoreAsync();
        var tooMany = Enumerable.Range(0, store.MaxObjectsPerApply + 1).Select(i => new ObjectStateWrite($"k{i}", Small, 0)).ToList();

        await Assert.ThrowsAsync<ArgumentException>(() => store.ApplyAsync(Bucket, tooMany, BucketTotals.Zero, default));
        await Assert.ThrowsAsync<ArgumentException>(() => store.ApplyAsync(Bucket, [new("a.txt", Small, 0), new("a.txt", Large, 0)], BucketTotals.Zero, default));
        Assert.Empty(await store.GetAsync(Bucket, ["a.txt", "k0"], default));
    }
}
