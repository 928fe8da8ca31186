namespace Assignment3.Domain.Ports;

/// <summary>
/// The size history of buckets, ordered by time within each bucket, with an index by size.
/// Every implementation must pass <c>HistoryRepositoryContract</c> in the tests.
/// </summary>
public interface IHistoryRepository
{
    /// <summary>
    /// Stores <paramref name="record"/> unless its (bucket, time) key is taken, or a record was already stored under
    /// <paramref name="idempotencyKey"/>. Never overwrites. In the same atomic write, folds the record into its slot's
    /// <see cref="SizeSummary"/> at every one of <see cref="SummaryResolutions.All"/>: a record is stored with its
    /// summaries or not at all, and a refused record changes no summary.
    /// </summary>
    Task<AppendResult> AppendAsync(SizeRecord record, string? idempotencyKey, CancellationToken cancellationToken);

    /// <summary>The newest record of the bucket, or null when it has none.</summary>
    Task<SizeRecord?> GetLatestAsync(string bucketName, CancellationToken cancellationToken);

    /// <summary>Every record with <paramref name="earliest"/> ≤ time ≤ <paramref name="latest"/>, oldest first.</summary>
    Task<IReadOnlyList<SizeRecord>> GetRangeAsync(
        string bucketName, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken);

    /// <summary>
    /// The newest record and the records up to <paramref name="window"/> before it, but never more than
    /// <paramref name="limit"/> of them (the newest ones), oldest first, so the newest is last; empty when the bucket has
    /// no history. A caller that gets <paramref name="limit"/> records cannot tell whether the window held more.
    /// </summary>
    Task<IReadOnlyList<SizeRecord>> GetRecentAsync(string bucketName, TimeSpan window, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// The summaries at <paramref name="resolution"/> (one of <see cref="SummaryResolutions.All"/>) of every slot that
    /// holds a record with <paramref name="earliest"/> ≤ time ≤ <paramref name="latest"/>, oldest first. Slots without
    /// records have no summary. The first slot may begin before <paramref name="earliest"/> and the last end after
    /// <paramref name="latest"/>: a summary covers its whole slot.
    /// </summary>
    Task<IReadOnlyList<SizeSummary>> GetSummariesAsync(
        string bucketName, TimeSpan resolution, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken);

    /// <summary>The record with the largest total size, found through the by-size index (one lookup, no scan).</summary>
    Task<SizeRecord?> GetLargestAsync(string bucketName, CancellationToken cancellationToken);
}

/// <summary>What <see cref="IHistoryRepository.AppendAsync"/> did.</summary>
public enum AppendOutcome
{
    /// <summary>The record is stored.</summary>
    Appended,

    /// <summary>Another record already has this bucket and time; nothing was written.</summary>
    TimeTaken,

    /// <summary>A record was already stored under this idempotency key; nothing was written.</summary>
    AlreadyRecorded,
}

/// <summary>The outcome of an append and the record that now stands for it.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Record">The stored record: the new one, or for <see cref="AppendOutcome.AlreadyRecorded"/> the earlier one.</param>
public sealed record AppendResult(AppendOutcome Outcome, SizeRecord Record);
