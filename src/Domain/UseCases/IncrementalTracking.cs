using Assignment3.Domain.Ports;

namespace Assignment3.Domain.UseCases;

/// <summary>How two sequencers of one key's events compare.</summary>
public enum SequencerOrder
{
    /// <summary>The event happened before the stored state's newest event.</summary>
    Older,

    /// <summary>The same event (delivered again).</summary>
    Same,

    /// <summary>The event happened after the stored state's newest event.</summary>
    Newer,

    /// <summary>Not comparable (different lengths, not hexadecimal, or missing): the object's state must be confirmed.</summary>
    Unknown,
}

/// <summary>
/// S3's <c>sequencer</c>: a hexadecimal string that orders the events of one key only. Values of the same length compare
/// as hexadecimal numbers of that length, case ignored. AWS's advice for values of different lengths (pad one side) has
/// changed over the years, so such a comparison is never trusted: <see cref="SequencerOrder.Unknown"/>.
/// </summary>
public static class Sequencers
{
    /// <summary>How <paramref name="candidate"/> (an event's) stands against <paramref name="stored"/> (the state's).</summary>
    public static SequencerOrder Compare(string? candidate, string? stored)
    {
        if (candidate is null || stored is null || candidate.Length != stored.Length || !IsHex(candidate) || !IsHex(stored))
        {
            return SequencerOrder.Unknown;
        }

        // Equal-length hexadecimal digits: ordinal order of the upper-cased text is numeric order.
        return string.Compare(candidate, stored, StringComparison.OrdinalIgnoreCase) switch
        {
            < 0 => SequencerOrder.Older,
            0 => SequencerOrder.Same,
            _ => SequencerOrder.Newer,
        };
    }

    private static bool IsHex(string value) => value.Length > 0 && value.All(char.IsAsciiHexDigit);
}

/// <summary>What one event does to a key's state.</summary>
/// <param name="State">The state after the event; when <paramref name="MustConfirm"/>, what it is depends on the object now.</param>
/// <param name="MustConfirm">The event alone cannot say: ask the blob store for the object's current version.</param>
public readonly record struct ObjectTransition(ObjectState? State, bool MustConfirm);

/// <summary>
/// The rules of incremental tracking for one key, as pure functions: which state an event leads to, so that duplicates
/// and stale events change nothing and a versioned bucket is counted as ListObjectsV2 counts it (current versions only).
/// </summary>
public static class ObjectStateRules
{
    /// <summary>
    /// The state <paramref name="change"/> leads to from <paramref name="current"/> (null: a key never seen).
    /// <paramref name="completedBy"/> is when the change was complete by the sender's clock (null: not said), and
    /// <paramref name="clockSkewMargin"/> how far apart the sender's and this clock may be.
    /// </summary>
    public static ObjectTransition Apply(ObjectState? current, ChangedObject change, DateTimeOffset? completedBy, TimeSpan clockSkewMargin)
    {
        ArgumentNullException.ThrowIfNull(change);
        var order = current is null ? SequencerOrder.Newer : Sequencers.Compare(change.Sequencer, current.Sequencer);
        if (current?.ObservedAt is { } observed && order is SequencerOrder.Newer or SequencerOrder.Unknown)
        {
            // A reconciliation saw this state in the bucket, and a listing or a head request has no sequencer: the event
            // is newer than what it saw only if it happened clearly after; else it may be what it saw, or older.
            order = completedBy is { } completed && (completed - clockSkewMargin).ToUnixTimeMilliseconds() >= observed
                ? SequencerOrder.Newer
                : SequencerOrder.Unknown;
        }

        switch (order)
        {
            case SequencerOrder.Unknown:
                return new ObjectTransition(current, MustConfirm: true);
            case SequencerOrder.Older or SequencerOrder.Same:
                // A duplicate, or an event the state is already newer than.
                return new ObjectTransition(current, MustConfirm: false);
        }

        if (change.Kind == ObjectChangeKind.Created)
        {
            // A creation makes its version the current one, whatever was current before.
            return change.Size is { } size
                ? new ObjectTransition(new ObjectState(ObjectStatus.Present, size, change.ETag, change.VersionId, change.Sequencer), false)
                : new ObjectTransition(current, MustConfirm: true);
        }

        if (change.Deletion is DeletionKind.PermanentlyDeleted && change.VersionId is not null)
        {
            // One version removed: if it was current (or the current delete marker), an older version may be current
            // now, with no event to say so; if it was not, nothing changes. The state cannot tell which unless it is
            // newer than the removal (handled above): a version created after the state's newest event may be the one.
            return new ObjectTransition(current, MustConfirm: true);
        }

        if (change.Deletion is null)
        {
            // Without a deletion type the event does not say whether a version may have come back.
            return new ObjectTransition(current, MustConfirm: true);
        }

        // The key removed (unversioned), or hidden behind a delete marker: a listing no longer shows it.
        return new ObjectTransition(Gone(current, change.VersionId, change.Sequencer), false);
    }

    /// <summary>
    /// The state a confirmation gives: the object's current version as <paramref name="head"/> says (null: none),
    /// as of <paramref name="change"/>. Its sequencer is stored when the state has none (so that the key's next events
    /// compare with it instead of being confirmed too), or when comparable and newer: after values of different lengths
    /// the state keeps its own, so that every later event of either length is confirmed too.
    /// </summary>
    public static ObjectState Confirmed(ObjectState? current, ChangedObject change, BlobHead? head)
    {
        ArgumentNullException.ThrowIfNull(change);
        var sequencer = current?.Sequencer is null || Sequencers.Compare(change.Sequencer, current.Sequencer) == SequencerOrder.Newer
            ? change.Sequencer ?? current?.Sequencer
            : current.Sequencer;
        return head is null
            ? Gone(current, null, sequencer)
            : new ObjectState(ObjectStatus.Present, head.Size, head.ETag, head.VersionId, sequencer);
    }

    // A key whose size was never counted stays unconfirmed when removed: a reconciliation decides.
    private static ObjectState Gone(ObjectState? current, string? versionId, string? sequencer) =>
        new(current is null || current.Status == ObjectStatus.DeletedBeforeSeen ? ObjectStatus.DeletedBeforeSeen : ObjectStatus.Deleted,
            0, null, versionId, sequencer);
}

/// <summary>
/// Incremental mode of <see cref="TrackObjectChanges"/> for one bucket: reconciles a bucket never reconciled first (its
/// state would know nothing of the objects already there), then reads the state of the batch's keys, applies each key's
/// events by <see cref="ObjectStateRules"/> (a head request where an event alone cannot say), writes the new states with
/// the totals delta conditionally in one atomic step per <see cref="IObjectStateStore.MaxObjectsPerApply"/> keys
/// (re-reading and trying again when another writer came first), then reads the totals and appends them as one record.
/// No listing after the first reconciliation, and a fixed number of store calls per batch whatever the bucket holds.
/// </summary>
internal sealed class IncrementalTracking(IBlobStore blobs, IObjectStateStore states, IHistoryRepository history, TimeProvider clock,
    TrackingSettings settings, Reconciliation reconciliation)
{
    /// <summary>Each conflict means another writer wrote one of these keys in between; this many in a row means something is broken.</summary>
    public const int MaxConflicts = 20;

    /// <summary>
    /// Tracks <paramref name="changes"/> of <paramref name="bucket"/>; returns how many confirmations it cost and the
    /// reconciliation it ran first, if the bucket had never been reconciled.
    /// </summary>
    public async Task<(int Confirmations, BucketReconciled? Reconciled)> TrackBucketAsync(string bucket, List<ObjectChange> changes,
        Dictionary<ObjectChange, TrackedChange> outcomes, CancellationToken cancellationToken)
    {
        var confirmations = 0;
        BucketReconciled? reconciled = null;
        if ((await states.GetReconciliationAsync(bucket, cancellationToken))?.LastFinishedAt is null)
        {
            // Never reconciled: the objects already there are unknown to the state. This batch's changes are applied after,
            // each as the rules say against what the reconciliation saw.
            reconciled = await reconciliation.RunAsync(bucket, cancellationToken);
        }

        var changedAny = false;
        var byKey = changes.GroupBy(c => c.Target!.Key, StringComparer.Ordinal).ToList();
        foreach (var keys in byKey.Chunk(Math.Max(1, states.MaxObjectsPerApply)))
        {
            for (var attempt = 1; ; attempt++)
            {
                var stored = await states.GetAsync(bucket, [.. keys.Select(k => k.Key)], cancellationToken);
                var writes = new List<ObjectStateWrite>();
                var delta = BucketTotals.Zero;
                foreach (var key in keys)
                {
                    var before = stored.GetValueOrDefault(key.Key);
                    var state = before?.State;
                    foreach (var change in key)
                    {
                        var transition = ObjectStateRules.Apply(state, change.Target!, change.CompletedBy, settings.ClockSkewMargin);
                        if (transition.MustConfirm)
                        {
                            confirmations++;
                            state = ObjectStateRules.Confirmed(state, change.Target!, await blobs.HeadAsync(bucket, key.Key, cancellationToken));
                        }
                        else
                        {
                            state = transition.State;
                        }
                    }

                    if (state is not null && state != before?.State)
                    {
                        writes.Add(new ObjectStateWrite(key.Key, state, before?.Revision ?? 0, Now()));
                        delta = delta.Plus(state.Contribution.Minus(before?.State.Contribution ?? BucketTotals.Zero));
                    }
                }

                if (writes.Count == 0)
                {
                    break;
                }

                if (await states.ApplyAsync(bucket, writes, delta, cancellationToken))
                {
                    changedAny = true;
                    break;
                }

                if (attempt == MaxConflicts)
                {
                    throw new InvalidOperationException($"the state of bucket {bucket}'s objects kept changing under this batch ({MaxConflicts} conflicts)");
                }
            }
        }

        if (!changedAny && await history.GetLatestAsync(bucket, cancellationToken) is { } latest
            && await states.GetTotalsAsync(bucket, cancellationToken) is var totals
            && latest.TotalSize == totals.TotalSize && latest.ObjectCount == totals.ObjectCount)
        {
            // Duplicates and stale events only: the state already held them and the latest record shows its totals.
            foreach (var change in changes)
            {
                outcomes[change] = new TrackedChange(change, ChangeOutcome.Covered, latest, null);
            }

            return (confirmations, reconciled);
        }

        var recorded = await AppendTotalsAsync(states, history, clock, bucket,
            TrackObjectChangesHandler.IdempotencyKey(changes.Select(c => c.EventId)), cancellationToken);
        var outcome = recorded.WasDuplicate ? ChangeOutcome.AlreadyRecorded : ChangeOutcome.Recorded;
        foreach (var change in changes)
        {
            outcomes[change] = new TrackedChange(change, outcome, recorded.Record, null);
        }

        return (confirmations, reconciled);
    }

    /// <summary>
    /// Reads the bucket's totals and appends them as one record. Stamped before the totals are read, as a listing is
    /// stamped when it begins: a record shows every write applied before its time, so the newest record comes from the
    /// read that began last and shows the bucket's totals.
    /// </summary>
    public static async Task<RecordedSize> AppendTotalsAsync(IObjectStateStore states, IHistoryRepository history, TimeProvider clock,
        string bucket, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var readStarted = SizeRecord.ToMilliseconds(clock.GetUtcNow());
        var totals = await states.GetTotalsAsync(bucket, cancellationToken);
        return await BucketListing.AppendAsync(history, new SizeRecord(bucket, readStarted, totals.TotalSize, checked((int)totals.ObjectCount)),
            idempotencyKey, cancellationToken);
    }

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();
}
