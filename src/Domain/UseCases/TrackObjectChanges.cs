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
public sealed record ObjectChange(string ItemId, string BucketName, string EventId, DateTimeOffset? CompletedBy);

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

/// <summary>What became of each change of a batch, in the batch's order, and how many listings it took.</summary>
/// <param name="Changes">One entry per change of the request, in its order.</param>
/// <param name="Listings">How many buckets were listed.</param>
public sealed record TrackedChanges(IReadOnlyList<TrackedChange> Changes, int Listings)
{
    /// <summary>The records this batch wrote, each once (the changes they show share them).</summary>
    public IReadOnlyList<SizeRecord> NewRecords =>
        [.. Changes.Where(c => c.Outcome == ChangeOutcome.Recorded).Select(c => c.Record!).Distinct()];

    /// <summary>The changes that were not tracked.</summary>
    public IReadOnlyList<TrackedChange> Failures => [.. Changes.Where(c => c.Outcome == ChangeOutcome.Failed)];

    /// <summary>A one-line summary for the log, e.g. "3 change(s): 2 Recorded, 1 Covered; 1 listing(s)".</summary>
    public override string ToString() =>
        $"{Changes.Count} change(s): {string.Join(", ", Changes.GroupBy(c => c.Outcome).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}"))}; {Listings} listing(s)";
}

/// <summary>How the tracker judges whether a record already shows a change.</summary>
/// <param name="ClockSkewMargin">
/// How much later than a change's completion a listing must have begun to count as showing it. The sender stamps the
/// change and this function stamps its listing, each by its own clock; both are synchronized to a fraction of this.
/// </param>
public sealed record TrackingSettings(TimeSpan ClockSkewMargin)
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
/// Groups the batch by bucket. For each bucket, a change the latest record already shows (the record's listing began
/// at least <see cref="TrackingSettings.ClockSkewMargin"/> after the change was complete; S3 lists are strongly
/// consistent) costs nothing; the others share one listing, appended as one record. That record's idempotency key is
/// the change's event id when one event is left, else a digest of the sorted event ids: the same batch delivered again
/// writes nothing. A bucket that fails fails its own changes only.
/// </summary>
public sealed class TrackObjectChangesHandler(
    IBlobStore blobs, IHistoryRepository history, TimeProvider clock, TrackingSettings settings, ILogger<TrackObjectChangesHandler> logger)
    : IRequestHandler<TrackObjectChanges, TrackedChanges>
{
    /// <summary>What a record's idempotency key starts with when it stands for several events.</summary>
    public const string BatchKeyPrefix = "batch-";

    /// <inheritdoc />
    public async Task<TrackedChanges> Handle(TrackObjectChanges request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var outcomes = new Dictionary<ObjectChange, TrackedChange>(ReferenceEqualityComparer.Instance);
        var listings = 0;
        foreach (var bucket in request.Changes.GroupBy(c => c.BucketName, StringComparer.Ordinal))
        {
            try
            {
                listings += await TrackBucketAsync(bucket.Key, [.. bucket], outcomes, cancellationToken);
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

        return new TrackedChanges([.. request.Changes.Select(c => outcomes[c])], listings);
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

    private async Task<int> TrackBucketAsync(string bucket, List<ObjectChange> changes, Dictionary<ObjectChange, TrackedChange> outcomes,
        CancellationToken cancellationToken)
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

        if (problems.Count > 0)
        {
            throw new RequestValidationException(nameof(TrackObjectChanges), problems);
        }

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
        var recorded = await BucketListing.RecordAsync(blobs, history, clock, bucket, IdempotencyKey(pending.Select(c => c.EventId)), cancellationToken);
        var outcome = recorded.WasDuplicate ? ChangeOutcome.AlreadyRecorded : ChangeOutcome.Recorded;
        foreach (var change in pending)
        {
            outcomes[change] = new TrackedChange(change, outcome, recorded.Record, null);
        }

        return 1;
    }
}
