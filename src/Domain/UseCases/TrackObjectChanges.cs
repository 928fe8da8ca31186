using System.Security.Cryptography;
using System.Text;
using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using MediatR;
using Microsoft.Extensions.Logging;

namespace Assignment3.Domain.UseCases;

/// <summary>One object change the tracker was told about.</summary>
/// <param name="ItemId">What the caller reports a failure by (a queue message's id); unique within a batch.</param>
/// <param name="BucketName">The changed bucket.</param>
/// <param name="EventId">The change event's id.</param>
/// <param name="CompletedBy">
/// A moment by which the change was complete, by the sender's clock; null when the event does not say, and then no
/// record can cover it.
/// </param>
/// <param name="Target">
/// What the event says of the object; listing mode needs none of it, incremental mode refuses a change without it.
/// </param>
public sealed record ObjectChange(string ItemId, string BucketName, string EventId, DateTimeOffset? CompletedBy, ChangedObject? Target = null);

/// <summary>Whether an object was written or removed ("Object Created" / "Object Deleted").</summary>
public enum ObjectChangeKind
{
    /// <summary>A version was written: it is now the key's current version.</summary>
    Created,

    /// <summary>A version or the whole key was removed, or a delete marker put on top.</summary>
    Deleted,
}

/// <summary>How an object was deleted (S3's <c>deletion-type</c>).</summary>
public enum DeletionKind
{
    /// <summary>"Permanently Deleted": the key (unversioned), or one version of it (<see cref="ChangedObject.VersionId"/>), is gone.</summary>
    PermanentlyDeleted,

    /// <summary>"Delete Marker Created": a versioned key's current version is now a delete marker; listings skip the key.</summary>
    DeleteMarkerCreated,
}

/// <summary>What an S3 object event says of the object.</summary>
/// <param name="Key">The object's key.</param>
/// <param name="Kind">Written or removed.</param>
/// <param name="Size">Bytes of the written version; null for a removal ("Object Deleted" carries no size).</param>
/// <param name="ETag">The written version's ETag; null for a removal.</param>
/// <param name="VersionId">The version written or removed (or the delete marker's), in a versioned bucket; else null.</param>
/// <param name="Sequencer">Orders the events of this one key (hexadecimal); null when the event has none.</param>
/// <param name="Deletion">How a removal was made; null for a creation, or when the event does not say.</param>
public sealed record ChangedObject(
    string Key, ObjectChangeKind Kind, long? Size, string? ETag, string? VersionId, string? Sequencer, DeletionKind? Deletion);

/// <summary>
/// Bring the history up to date with a batch of object changes: one listing per bucket at most, none for a change
/// that a record already shows.
/// </summary>
/// <param name="Changes">The batch, in any order, duplicates allowed.</param>
public sealed record TrackObjectChanges(IReadOnlyList<ObjectChange> Changes) : IRequest<TrackedChanges>;

/// <summary>How the history came to show a change, or that it does not.</summary>
public enum ChangeOutcome
{
    /// <summary>A new record, from a listing that began after the change, shows it.</summary>
    Recorded,

    /// <summary>This change (or this same set of changes) was recorded before; nothing was written.</summary>
    AlreadyRecorded,

    /// <summary>The latest record began after the change was complete: it shows the change; nothing was listed or written.</summary>
    Covered,

    /// <summary>Not tracked: <see cref="TrackedChange.Error"/> says why; the caller should deliver it again.</summary>
    Failed,
}

/// <summary>What became of one change.</summary>
/// <param name="Change">The change.</param>
/// <param name="Outcome">What became of it.</param>
/// <param name="Record">The record that shows it; null when it failed.</param>
/// <param name="Error">Why it failed; null otherwise.</param>
public sealed record TrackedChange(ObjectChange Change, ChangeOutcome Outcome, SizeRecord? Record, Exception? Error);

/// <summary>What became of each change of a batch, in the batch's order, and what it cost.</summary>
/// <param name="Changes">One entry per change of the request, in its order.</param>
/// <param name="Listings">How many buckets were listed.</param>
/// <param name="Confirmations">How many objects' current state was asked for (incremental mode; one request each).</param>
public sealed record TrackedChanges(IReadOnlyList<TrackedChange> Changes, int Listings, int Confirmations = 0)
{
    /// <summary>The reconciliations run first, one per bucket never reconciled before (incremental mode).</summary>
    public IReadOnlyList<BucketReconciled> Reconciliations { get; init; } = [];

    /// <summary>The records this batch wrote, each once (the changes they show share them).</summary>
    public IReadOnlyList<SizeRecord> NewRecords =>
        [.. Changes.Where(c => c.Outcome == ChangeOutcome.Recorded).Select(c => c.Record!).Distinct()];

    /// <summary>The changes that were not tracked.</summary>
    public IReadOnlyList<TrackedChange> Failures => [.. Changes.Where(c => c.Outcome == ChangeOutcome.Failed)];

    /// <summary>A one-line summary for the log, e.g. "3 change(s): 2 Recorded, 1 Covered; 1 listing(s)".</summary>
    public override string ToString() =>
        $"{Changes.Count} change(s): {string.Join(", ", Changes.GroupBy(c => c.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"))}; {Listings} listing(s)"
        + (Confirmations > 0 ? $", {Confirmations} confirmation(s)" : "");
}

/// <summary>How size tracking keeps the history up to date.</summary>
public enum TrackingMode
{
    /// <summary>List the bucket once per batch (none when a newer record already shows the batch's changes).</summary>
    Listing,

    /// <summary>
    /// Keep each object's state and the bucket's running totals (<see cref="Ports.IObjectStateStore"/>), and apply each
    /// event to them: no listing, and a cost per event that does not grow with the bucket.
    /// </summary>
    Incremental,
}

/// <summary>How the tracker works, and how it judges whether a record already shows a change.</summary>
/// <param name="ClockSkewMargin">
/// How much later than a change's completion a listing must have begun to count as showing it. The sender stamps the
/// change and this function stamps its listing, each by its own clock; both are synchronized to a fraction of this.
/// </param>
/// <param name="Mode">Listing (the default) or incremental; the composition root chooses.</param>
public sealed record TrackingSettings(TimeSpan ClockSkewMargin, TrackingMode Mode = TrackingMode.Listing)
{
    /// <summary>One second: AWS's clocks agree to well within it, and a change this recent costs only a listing.</summary>
    public static TrackingSettings Default { get; } = new(TimeSpan.FromSeconds(1));
}

/// <summary>Refuses an empty batch and blank item ids, which could not be reported on; each change's own problems fail that change alone.</summary>
public sealed class TrackObjectChangesValidator : IRequestValidator<TrackObjectChanges>
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate(TrackObjectChanges request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Changes is not { Count: > 0 })
        {
            yield return new ValidationError(nameof(request.Changes), "must hold at least one change");
            yield break;
        }

        if (request.Changes.Any(c => c is null || string.IsNullOrWhiteSpace(c.ItemId)))
        {
            yield return new ValidationError(nameof(ObjectChange.ItemId), "every change needs one, to be reported on");
        }
    }
}

/// <summary>
/// Groups the batch by bucket; a bucket that fails fails its own changes only. In listing mode (the default), a change
/// the latest record already shows (the record's listing began at least <see cref="TrackingSettings.ClockSkewMargin"/>
/// after the change was complete; S3 lists are strongly consistent) costs nothing; the others share one listing,
/// appended as one record. In incremental mode the changes are applied to the objects' stored state and the bucket's
/// running totals (<see cref="IncrementalTracking"/>), and the totals appended as one record. Either record's
/// idempotency key is the event id when the bucket has one change in the batch, else a digest of the sorted event ids of
/// all its changes in the batch (covered ones included): the same batch delivered again writes nothing.
/// </summary>
/// <remarks>
/// <paramref name="objectStates"/> is needed in incremental mode only; a composition root that tracks by listing
/// registers none.
/// </remarks>
public sealed class TrackObjectChangesHandler(
    IBlobStore blobs, IHistoryRepository history, TimeProvider clock, TrackingSettings settings, ILogger<TrackObjectChangesHandler> logger,
    IObjectStateStore? objectStates = null)
    : IRequestHandler<TrackObjectChanges, TrackedChanges>
{
    /// <summary>What a record's idempotency key starts with when it stands for several events.</summary>
    public const string BatchKeyPrefix = "batch-";

    /// <inheritdoc />
    public async Task<TrackedChanges> Handle(TrackObjectChanges request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var states = settings.Mode == TrackingMode.Incremental
            ? objectStates ?? throw new InvalidOperationException(
                $"incremental tracking needs an {nameof(IObjectStateStore)}; the composition root registered none")
            : null;
        var incremental = states is null
            ? null
            : new IncrementalTracking(blobs, states, history, clock, settings, new Reconciliation(blobs, states, history, clock, settings, logger));
        var outcomes = new Dictionary<ObjectChange, TrackedChange>(ReferenceEqualityComparer.Instance);
        var cost = new TrackingCost(0, 0);
        var reconciliations = new List<BucketReconciled>();
        foreach (var bucket in request.Changes.GroupBy(c => c.BucketName, StringComparer.Ordinal))
        {
            try
            {
                Validate(bucket.Key, [.. bucket], incremental is not null);
                if (incremental is null)
                {
                    cost += new TrackingCost(await TrackByListingAsync(bucket.Key, [.. bucket], outcomes, cancellationToken), 0);
                }
                else
                {
                    var (confirmations, reconciled) = await incremental.TrackBucketAsync(bucket.Key, [.. bucket], outcomes, cancellationToken);
                    // A first reconciliation lists the bucket once.
                    cost += new TrackingCost(reconciled is null ? 0 : 1, confirmations + (reconciled?.Confirmations ?? 0));
                    if (reconciled is not null)
                    {
                        reconciliations.Add(reconciled);
                    }
                }
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                if (ex is RequestValidationException)
                {
                    logger.LogWarning("{Count} change(s) of bucket {Bucket} refused: {Error}", bucket.Count(), bucket.Key, ex.Message);
                }
                else
                {
                    logger.LogError(ex, "{Count} change(s) of bucket {Bucket} failed: {Error}", bucket.Count(), bucket.Key, ex.Message);
                    FailureLog.MarkLogged(ex);
                }

                foreach (var change in bucket)
                {
                    outcomes[change] = new TrackedChange(change, ChangeOutcome.Failed, null, ex);
                }
            }
        }

        return new TrackedChanges([.. request.Changes.Select(c => outcomes[c])], cost.Listings, cost.Confirmations) { Reconciliations = reconciliations };
    }

    /// <summary>The idempotency key of a record that shows <paramref name="eventIds"/>: order and repeats do not matter.</summary>
    public static string IdempotencyKey(IEnumerable<string> eventIds)
    {
        var distinct = eventIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return distinct is [var single]
            ? single
            // Each id prefixed with its length, so that no two different sets hash the same text.
            : BatchKeyPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(distinct.Select(id => $"{id.Length}:{id}")))));
    }

    /// <summary>Refuses a bucket's changes whole when its name or an event id is bad, or (incremental) an object is not named.</summary>
    private static void Validate(string bucket, List<ObjectChange> changes, bool incremental)
    {
        var problems = new List<ValidationError>();
        if (BucketNameRules.Check(bucket) is { } bucketProblem)
        {
            problems.Add(new ValidationError(nameof(ObjectChange.BucketName), bucketProblem));
        }

        if (changes.Any(c => string.IsNullOrWhiteSpace(c.EventId)))
        {
            problems.Add(new ValidationError(nameof(ObjectChange.EventId), "must not be blank"));
        }

        if (incremental && changes.Any(c => string.IsNullOrEmpty(c.Target?.Key)))
        {
            problems.Add(new ValidationError(nameof(ObjectChange.Target), "incremental tracking needs each change's object key"));
        }

        if (problems.Count > 0)
        {
            throw new RequestValidationException(nameof(TrackObjectChanges), problems);
        }
    }

    private async Task<int> TrackByListingAsync(string bucket, List<ObjectChange> changes, Dictionary<ObjectChange, TrackedChange> outcomes,
        CancellationToken cancellationToken)
    {
        var latest = await history.GetLatestAsync(bucket, cancellationToken);
        var pending = new List<ObjectChange>();
        foreach (var change in changes)
        {
            if (latest is not null && change.CompletedBy is { } completed && latest.Time >= completed + settings.ClockSkewMargin)
            {
                outcomes[change] = new TrackedChange(change, ChangeOutcome.Covered, latest, null);
            }
            else
            {
                pending.Add(change);
            }
        }

        if (pending.Count == 0)
        {
            return 0;
        }

        // Listing now begins after each pending change was reported, so after it was complete: one listing shows them all.
        // The key names every change of the bucket in the batch, not only those left pending: a delivery again finds
        // more of them covered (the record it wrote is newer than they are), and must still find that record.
        var recorded = await BucketListing.RecordAsync(blobs, history, clock, bucket, IdempotencyKey(changes.Select(c => c.EventId)), cancellationToken);
        var outcome = recorded.WasDuplicate ? ChangeOutcome.AlreadyRecorded : ChangeOutcome.Recorded;
        foreach (var change in pending)
        {
            outcomes[change] = new TrackedChange(change, outcome, recorded.Record, null);
        }

        return 1;
    }

    private readonly record struct TrackingCost(int Listings, int Confirmations)
    {
        public static TrackingCost operator +(TrackingCost left, TrackingCost right) =>
            new(left.Listings + right.Listings, left.Confirmations + right.Confirmations);
    }
}
