using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using MediatR;
using Microsoft.Extensions.Logging;

namespace Assignment3.Domain.UseCases;

/// <summary>
/// Bring incremental tracking's object states and totals for a bucket back to what the bucket holds: one listing,
/// compared page by page with the stored states, correcting only what drifted.
/// </summary>
/// <param name="BucketName">The bucket to reconcile.</param>
public sealed record ReconcileBucket(string BucketName) : IRequest<BucketReconciled>;

/// <summary>What a reconciliation found and did.</summary>
/// <param name="BucketName">The bucket.</param>
/// <param name="ObjectsListed">Objects the listing showed.</param>
/// <param name="Corrected">Object states written because they disagreed with the bucket (or confirmed an unknown delete).</param>
/// <param name="Drift">
/// What the totals were missing: the sum of the corrections (positive when the state counted too little). Zero when the
/// state was right.
/// </param>
/// <param name="Confirmations">Head requests, for keys an event wrote while the listing ran.</param>
/// <param name="Record">The record written because the totals changed; null when they did not.</param>
/// <param name="ResumedAfter">The key an earlier, unfinished reconciliation had reached, and this one went on after; null when it began at the start.</param>
public sealed record BucketReconciled(
    string BucketName, long ObjectsListed, int Corrected, BucketTotals Drift, int Confirmations, SizeRecord? Record, string? ResumedAfter)
{
    /// <summary>A one-line summary for the log.</summary>
    public override string ToString() => FormattableString.Invariant(
        $"bucket {BucketName} reconciled: {ObjectsListed} object(s) listed{(ResumedAfter is null ? "" : $" after \"{ResumedAfter}\"")}, {Corrected} state(s) corrected, drift {Drift.TotalSize:+#;-#;0} B and {Drift.ObjectCount:+#;-#;0} object(s), {Confirmations} confirmation(s)");
}

/// <summary>Refuses a bad bucket name.</summary>
public sealed class ReconcileBucketValidator : IRequestValidator<ReconcileBucket>
{
    /// <inheritdoc />
    public IEnumerable<ValidationError> Validate(ReconcileBucket request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return BucketNameRules.Validate(nameof(request.BucketName), request.BucketName);
    }
}

/// <summary>Runs one <see cref="Reconciliation"/> of the bucket.</summary>
public sealed class ReconcileBucketHandler(
    IBlobStore blobs, IHistoryRepository history, TimeProvider clock, TrackingSettings settings, ILogger<ReconcileBucketHandler> logger,
    IObjectStateStore? objectStates = null)
    : IRequestHandler<ReconcileBucket, BucketReconciled>
{
    /// <inheritdoc />
    public async Task<BucketReconciled> Handle(ReconcileBucket request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var states = objectStates ?? throw new InvalidOperationException(
            $"reconciliation needs an {nameof(IObjectStateStore)}: it is part of incremental tracking, and the composition root registered none");
        return await new Reconciliation(blobs, states, history, clock, settings, logger).RunAsync(request.BucketName, cancellationToken);
    }
}

/// <summary>
/// One reconciliation of a bucket's object states with the bucket itself. A listing is not a snapshot: events keep
/// arriving while it runs. So each page of the listing is compared with the stored states of exactly the keys it covers
/// (from the page before's last key to its own), read after the page came back, and a state that disagrees is replaced
/// only when the listing is known to be newer:
/// <list type="bullet">
/// <item>a state written before the page was asked for shows events that happened before the listing saw the key, so the
/// listing is newer: it is replaced by what the listing shows;</item>
/// <item>a state written since may show an event newer than what the listing saw: the object is asked for (a head
/// request) and the state replaced by its answer, if that differs.</item>
/// </list>
/// Each replacement is conditional on the revision read: an event applied in between makes the page read and compared
/// again. A replaced state carries the moment it was seen, and an event is applied over it only when it happened
/// clearly after (<see cref="ObjectStateRules"/>); earlier ones are confirmed. Progress is saved after each page, so a
/// reconciliation cut short (a function's timeout) goes on from there the next time.
/// </summary>
internal sealed class Reconciliation(IBlobStore blobs, IObjectStateStore states, IHistoryRepository history, TimeProvider clock,
    TrackingSettings settings, ILogger logger)
{
    // S3 serves thousands of requests a second per prefix; this keeps one busy page from taking a round trip per key in turn.
    private const int MaxHeadRequestsAtOnce = 16;

    /// <summary>Reconciles <paramref name="bucket"/>; writes a record when its totals changed.</summary>
    public async Task<BucketReconciled> RunAsync(string bucket, CancellationToken cancellationToken)
    {
        var mark = await states.GetReconciliationAsync(bucket, cancellationToken);
        var began = Now();
        var resumedAfter = mark?.ResumeAfter;
        var after = resumedAfter;
        string? token = null;
        var progress = new Progress();
        do
        {
            var requested = Now();
            var page = await blobs.ListAsync(bucket, token, token is null ? after : null, cancellationToken);
            var seen = Now();
            token = page.ContinuationToken;
            progress.Listed += page.Objects.Count;
            if (token is not null && page.Objects.Count == 0)
            {
                continue; // a page may come back empty and still not be the last: it covers no range of its own
            }

            // The last page covers every key after the one before it; any other, up to its own last key.
            var range = new KeyRange(after, token is null ? null : page.Objects[^1].Key);
            await ReconcileRangeAsync(bucket, range, page.Objects, requested, seen, progress, cancellationToken);
            after = range.Through;
            if (token is not null)
            {
                await states.SaveReconciliationAsync(bucket, new ReconciliationMark(null, after), cancellationToken);
            }
        }
        while (token is not null);

        SizeRecord? record = null;
        if (progress.Drift.TotalSize != 0 || progress.Drift.ObjectCount != 0
            || (await history.GetLatestAsync(bucket, cancellationToken) is var latest && !Shows(latest, await states.GetTotalsAsync(bucket, cancellationToken))))
        {
            record = (await IncrementalTracking.AppendTotalsAsync(states, history, clock, bucket, null, cancellationToken)).Record;
        }

        await states.SaveReconciliationAsync(bucket, new ReconciliationMark(began, null), cancellationToken);
        var reconciled = new BucketReconciled(bucket, progress.Listed, progress.Corrected, progress.Drift, progress.Confirmations, record, resumedAfter);
        logger.LogInformation("Reconciled bucket {Bucket}: {Listed} listed, {Corrected} corrected, drift {DriftBytes} B {DriftObjects} object(s), {Confirmations} confirmation(s)",
            bucket, reconciled.ObjectsListed, reconciled.Corrected, reconciled.Drift.TotalSize, reconciled.Drift.ObjectCount, reconciled.Confirmations);
        return reconciled;
    }

    // Whether the latest record shows the totals; a bucket with no record and nothing in it needs none.
    private static bool Shows(SizeRecord? latest, BucketTotals totals) => latest is null
        ? totals.TotalSize == 0 && totals.ObjectCount == 0
        : latest.TotalSize == totals.TotalSize && latest.ObjectCount == totals.ObjectCount;

    private async Task ReconcileRangeAsync(string bucket, KeyRange range, IReadOnlyList<BlobInfo> listed, long requested, long seen,
        Progress progress, CancellationToken cancellationToken)
    {
        var listedByKey = listed.ToDictionary(blob => blob.Key, StringComparer.Ordinal);
        for (var attempt = 1; ; attempt++)
        {
            var stored = await states.GetRangeAsync(bucket, range, cancellationToken);
            var keys = listedByKey.Keys.Union(stored.Keys, StringComparer.Ordinal).Order(KeyOrder.Instance).ToList();
            var corrected = new ObjectState?[keys.Count];
            // Head requests, where needed, go out several at once: each is one round trip, and a busy page may need many.
            await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count),
                new ParallelOptions { MaxDegreeOfParallelism = MaxHeadRequestsAtOnce, CancellationToken = cancellationToken },
                async (i, ct) => corrected[i] = await CorrectedStateAsync(bucket, keys[i], stored.GetValueOrDefault(keys[i]),
                    listedByKey.GetValueOrDefault(keys[i]), requested, seen, progress, ct));
            var writes = new List<(ObjectStateWrite Write, BucketTotals Change)>();
            foreach (var (key, state) in keys.Zip(corrected))
            {
                if (state is not null && stored.GetValueOrDefault(key) is var before)
                {
                    writes.Add((new ObjectStateWrite(key, state, before?.Revision ?? 0, Now()),
                        state.Contribution.Minus(before?.State.Contribution ?? BucketTotals.Zero)));
                }
            }

            var conflict = false;
            foreach (var chunk in writes.Chunk(Math.Max(1, states.MaxObjectsPerApply)))
            {
                var delta = chunk.Aggregate(BucketTotals.Zero, (sum, write) => sum.Plus(write.Change));
                if (await states.ApplyAsync(bucket, [.. chunk.Select(w => w.Write)], delta, cancellationToken))
                {
                    progress.Corrected += chunk.Length;
                    progress.Drift = progress.Drift.Plus(delta);
                }
                else
                {
                    conflict = true;
                }
            }

            if (!conflict)
            {
                return;
            }

            // An event wrote one of these keys since they were read: read the range again (what was applied now agrees).
            if (attempt == IncrementalTracking.MaxConflicts)
            {
                throw new InvalidOperationException($"the state of bucket {bucket}'s keys {range} kept changing under its reconciliation ({attempt} conflicts)");
            }
        }
    }

    /// <summary>The state to write for <paramref name="key"/>, or null when the stored one stands.</summary>
    private async Task<ObjectState?> CorrectedStateAsync(string bucket, string key, StoredObjectState? stored, BlobInfo? listed,
        long requested, long seen, Progress progress, CancellationToken cancellationToken)
    {
        var current = stored?.State;
        if (Agrees(current, listed?.Size))
        {
            // A delete of a key never seen, and the listing agrees the key is gone: confirmed, no longer counted as unknown.
            return current is { Status: ObjectStatus.DeletedBeforeSeen } && listed is null ? current with { Status = ObjectStatus.Deleted } : null;
        }

        if (stored is null || stored.WrittenAt + (long)settings.ClockSkewMargin.TotalMilliseconds <= requested)
        {
            // The state shows events that happened before the listing saw the key: the listing is newer.
            return Observed(current, listed?.Size, null, null, seen);
        }

        // Written while the listing ran: it may show an event newer than what the listing saw. Ask the object itself.
        Interlocked.Increment(ref progress.Confirmations);
        var head = await blobs.HeadAsync(bucket, key, cancellationToken);
        return Agrees(current, head?.Size) ? null : Observed(current, head?.Size, head?.ETag, head?.VersionId, Now());
    }

    // Whether a state counts as the bucket does: present at the size seen, or not present when the bucket has no such key.
    private static bool Agrees(ObjectState? state, long? size) => size is { } bytes
        ? state is { Status: ObjectStatus.Present } && state.Size == bytes
        : state is null || state.Status != ObjectStatus.Present;

    // What the bucket showed, as of a moment. The sequencer stays: an event older than the one that set it is older
    // than what was seen too.
    private static ObjectState Observed(ObjectState? current, long? size, string? etag, string? versionId, long at) => size is { } bytes
        ? new ObjectState(ObjectStatus.Present, bytes, etag, versionId, current?.Sequencer, at)
        : new ObjectState(ObjectStatus.Deleted, 0, null, null, current?.Sequencer, at);

    private long Now() => clock.GetUtcNow().ToUnixTimeMilliseconds();

    private sealed class Progress
    {
        public long Listed { get; set; }

        public int Corrected { get; set; }

        public BucketTotals Drift { get; set; } = BucketTotals.Zero;

        // Counted by head requests running at once.
        public int Confirmations;
    }
}
