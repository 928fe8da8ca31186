namespace Assignment3.Domain.Ports;

/// <summary>
/// What incremental tracking knows of each object (its current version, or that it is gone) and each bucket's running
/// totals. Writes are conditional: a state is replaced only if nobody replaced it since it was read, and a batch of
/// writes lands with its totals delta whole or not at all. Every implementation must pass <c>ObjectStateStoreContract</c>.
/// </summary>
public interface IObjectStateStore
{
    /// <summary>
    /// How many objects one <see cref="ApplyAsync"/> may write: a store whose atomic write is bounded says so
    /// (DynamoDB's transactions hold 100 items, one of them the totals), and the caller splits its writes.
    /// </summary>
    int MaxObjectsPerApply { get; }

    /// <summary>The stored state of each of <paramref name="keys"/> that has one (a key never seen is absent).</summary>
    Task<IReadOnlyDictionary<string, StoredObjectState>> GetAsync(string bucketName, IReadOnlyCollection<string> keys,
        CancellationToken cancellationToken);

    /// <summary>
    /// Writes every state of <paramref name="writes"/> and adds <paramref name="delta"/> to the bucket's totals, in one
    /// atomic step, only if each key's stored revision still is its <see cref="ObjectStateWrite.ExpectedRevision"/>
    /// (0: no state). Returns false, having written nothing, when any is not: another writer came first.
    /// </summary>
    Task<bool> ApplyAsync(string bucketName, IReadOnlyList<ObjectStateWrite> writes, BucketTotals delta,
        CancellationToken cancellationToken);

    /// <summary>The bucket's running totals; zero for a bucket never written.</summary>
    Task<BucketTotals> GetTotalsAsync(string bucketName, CancellationToken cancellationToken);
}

/// <summary>Whether the key's current version counts in a listing.</summary>
public enum ObjectStatus
{
    /// <summary>The key has a current version that a listing shows.</summary>
    Present,

    /// <summary>The key is gone, or its current version is a delete marker: a listing does not show it.</summary>
    Deleted,

    /// <summary>
    /// Deleted before any of its creations was seen: its size was never counted, and it is left for a reconciliation to
    /// confirm. Kept with its sequencer, so that a creation older than the deletion that arrives late changes nothing.
    /// </summary>
    DeletedBeforeSeen,
}

/// <summary>One key's state as of the newest event (or confirmation) applied to it.</summary>
/// <param name="Status">Whether a listing counts it.</param>
/// <param name="Size">Bytes of the current version; 0 unless present.</param>
/// <param name="ETag">The current version's ETag, when known.</param>
/// <param name="VersionId">The current version's id (or the delete marker's), in a versioned bucket.</param>
/// <param name="Sequencer">The sequencer of the newest event applied; null when none was given.</param>
public sealed record ObjectState(ObjectStatus Status, long Size, string? ETag, string? VersionId, string? Sequencer)
{
    /// <summary>What this state adds to its bucket's totals.</summary>
    public BucketTotals Contribution => Status switch
    {
        ObjectStatus.Present => new BucketTotals(Size, 1, 0),
        ObjectStatus.DeletedBeforeSeen => new BucketTotals(0, 0, 1),
        _ => BucketTotals.Zero,
    };
}

/// <summary>A stored state and its revision (1 for the first write, one more for each replacement).</summary>
public sealed record StoredObjectState(ObjectState State, long Revision);

/// <summary>A state to store for <paramref name="Key"/> if its stored revision is <paramref name="ExpectedRevision"/> (0: none yet).</summary>
public sealed record ObjectStateWrite(string Key, ObjectState State, long ExpectedRevision);

/// <summary>A bucket's running totals, or a change to them.</summary>
/// <param name="TotalSize">Bytes of every present object.</param>
/// <param name="ObjectCount">Present objects.</param>
/// <param name="UnconfirmedDeletes">Keys deleted before they were seen, left for a reconciliation to confirm.</param>
public sealed record BucketTotals(long TotalSize, long ObjectCount, long UnconfirmedDeletes)
{
    /// <summary>No objects, or no change.</summary>
    public static BucketTotals Zero { get; } = new(0, 0, 0);

    /// <summary>Whether this, taken as a change, changes nothing.</summary>
    public bool IsZero => this == Zero;

    /// <summary>These totals with <paramref name="change"/> added.</summary>
    public BucketTotals Plus(BucketTotals change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return new(TotalSize + change.TotalSize, ObjectCount + change.ObjectCount, UnconfirmedDeletes + change.UnconfirmedDeletes);
    }

    /// <summary>The change that leads from <paramref name="before"/> to these totals.</summary>
    public BucketTotals Minus(BucketTotals before)
    {
        ArgumentNullException.ThrowIfNull(before);
        return new(TotalSize - before.TotalSize, ObjectCount - before.ObjectCount, UnconfirmedDeletes - before.UnconfirmedDeletes);
    }
}

/// <summary>What every <see cref="IObjectStateStore.ApplyAsync"/> refuses before writing anything.</summary>
public static class ObjectStateWrites
{
    /// <summary>Throws when <paramref name="writes"/> exceed <paramref name="maxObjects"/> or name a key twice (its expected revision would be ambiguous).</summary>
    public static void Check(IReadOnlyList<ObjectStateWrite> writes, int maxObjects)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count > maxObjects)
        {
            throw new ArgumentException($"{writes.Count} objects in one apply; this store takes at most {maxObjects}", nameof(writes));
        }

        if (writes.Select(w => w.Key).Distinct(StringComparer.Ordinal).Count() != writes.Count)
        {
            throw new ArgumentException("a key is written twice in one apply", nameof(writes));
        }
    }
}
