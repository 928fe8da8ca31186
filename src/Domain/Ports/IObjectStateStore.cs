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

    /// <summary>
    /// Every stored state of the bucket whose key lies in <paramref name="range"/> (keys in S3's order: their UTF-8 bytes),
    /// read consistently: a reconciliation compares them with one page of a listing.
    /// </summary>
    Task<IReadOnlyDictionary<string, StoredObjectState>> GetRangeAsync(string bucketName, KeyRange range, CancellationToken cancellationToken);

    /// <summary>Where the bucket's reconciliation stands; null when none ever began.</summary>
    Task<ReconciliationMark?> GetReconciliationAsync(string bucketName, CancellationToken cancellationToken);

    /// <summary>
    /// Records where the bucket's reconciliation stands: <see cref="ReconciliationMark.ResumeAfter"/> replaces the one
    /// before; a null <see cref="ReconciliationMark.LastFinishedAt"/> leaves the one before standing, so that a
    /// reconciliation saving its progress never undoes another's finish.
    /// </summary>
    Task SaveReconciliationAsync(string bucketName, ReconciliationMark mark, CancellationToken cancellationToken);
}

/// <summary>
/// Keys after <paramref name="After"/> (exclusive) up to <paramref name="Through"/> (inclusive), in S3's order; null
/// leaves that end open. One page of a listing covers the range from the page before's last key to its own last key.
/// </summary>
public sealed record KeyRange(string? After, string? Through)
{
    /// <summary>Every key.</summary>
    public static KeyRange All { get; } = new(null, null);

    /// <summary>Whether <paramref name="key"/> lies in this range.</summary>
    public bool Contains(string key) =>
        (After is null || KeyOrder.Instance.Compare(key, After) > 0) && (Through is null || KeyOrder.Instance.Compare(key, Through) <= 0);
}

/// <summary>
/// S3's order of keys: by their UTF-8 bytes (ListObjectsV2 returns keys "in UTF-8 binary order"). .NET's ordinal order
/// compares UTF-16 code units and differs for characters beyond U+FFFF against U+E000–U+FFFF; this does not.
/// </summary>
public sealed class KeyOrder : IComparer<string>
{
    /// <summary>The one instance.</summary>
    public static KeyOrder Instance { get; } = new();

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        // Code points in order are UTF-8 bytes in order; runes walk code points, surrogate pairs whole.
        var left = x.EnumerateRunes();
        var right = y.EnumerateRunes();
        while (true)
        {
            var leftMore = left.MoveNext();
            var rightMore = right.MoveNext();
            if (!leftMore || !rightMore)
            {
                return leftMore == rightMore ? 0 : leftMore ? 1 : -1;
            }

            if (left.Current.Value != right.Current.Value)
            {
                return left.Current.Value.CompareTo(right.Current.Value);
            }
        }
    }
}

/// <summary>Where a bucket's reconciliation stands.</summary>
/// <param name="LastFinishedAt">When the last reconciliation to finish began (its last part, if it was resumed; epoch ms); null while none has finished.</param>
/// <param name="ResumeAfter">
/// The last key an unfinished reconciliation reconciled: the next one goes on after it. Null when none is under way.
/// </param>
public sealed record ReconciliationMark(long? LastFinishedAt, string? ResumeAfter);

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
/// <param name="ObservedAt">
/// Set when a reconciliation saw this state in the bucket itself (a listing or a head request, which carry no
/// sequencer): the moment (epoch ms) by which it was seen. An event is known to be newer only when it happened clearly
/// after that moment; otherwise the object is confirmed. Null for a state an event set.
/// </param>
public sealed record ObjectState(ObjectStatus Status, long Size, string? ETag, string? VersionId, string? Sequencer, long? ObservedAt = null)
{
    /// <summary>What this state adds to its bucket's totals.</summary>
    public BucketTotals Contribution => Status switch
    {
        ObjectStatus.Present => new BucketTotals(Size, 1, 0),
        ObjectStatus.DeletedBeforeSeen => new BucketTotals(0, 0, 1),
        _ => BucketTotals.Zero,
    };
}

/// <summary>A stored state, its revision (1 for the first write, one more for each replacement) and when it was written.</summary>
/// <param name="State">The state.</param>
/// <param name="Revision">1 for the first write, one more for each replacement.</param>
/// <param name="WrittenAt">
/// The writer's clock (epoch ms) just before it wrote: whatever the state shows happened before then. A reconciliation
/// trusts its listing over a state written before the listing began. 0 when not known (counts as long ago).
/// </param>
public sealed record StoredObjectState(ObjectState State, long Revision, long WrittenAt = 0);

/// <summary>A state to store for <paramref name="Key"/> if its stored revision is <paramref name="ExpectedRevision"/> (0: none yet).</summary>
/// <param name="Key">The object's key.</param>
/// <param name="State">The new state.</param>
/// <param name="ExpectedRevision">The revision read; 0 when there was no state.</param>
/// <param name="WrittenAt">The writer's clock (epoch ms) taken after it learnt what the state shows, before writing.</param>
public sealed record ObjectStateWrite(string Key, ObjectState State, long ExpectedRevision, long WrittenAt);

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
