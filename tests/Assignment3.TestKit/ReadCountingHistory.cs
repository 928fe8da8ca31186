using Assignment3.Domain;
using Assignment3.Domain.Ports;

namespace Assignment3.TestKit;

/// <summary>
/// A history that counts what its callers read: every record, summary and index answer returned is one item, as
/// DynamoDB bills and as a function's memory must hold them. Writes pass straight through.
/// </summary>
public sealed class ReadCountingHistory(IHistoryRepository inner) : IHistoryRepository
{
    private long _itemsRead;

    /// <summary>Items returned by reads so far.</summary>
    public long ItemsRead => Interlocked.Read(ref _itemsRead);

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(SizeRecord record, string? idempotencyKey, CancellationToken cancellationToken) =>
        inner.AppendAsync(record, idempotencyKey, cancellationToken);

    /// <inheritdoc />
    public async Task<SizeRecord?> GetLatestAsync(string bucketName, CancellationToken cancellationToken) =>
        Count(await inner.GetLatestAsync(bucketName, cancellationToken));

    /// <inheritdoc />
    public async Task<IReadOnlyList<SizeRecord>> GetRangeAsync(
        string bucketName, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken) =>
        Count(await inner.GetRangeAsync(bucketName, earliest, latest, cancellationToken));

    /// <inheritdoc />
    public async Task<IReadOnlyList<SizeRecord>> GetRecentAsync(string bucketName, TimeSpan window, int limit, CancellationToken cancellationToken) =>
        Count(await inner.GetRecentAsync(bucketName, window, limit, cancellationToken));

    /// <inheritdoc />
    public async Task<IReadOnlyList<SizeSummary>> GetSummariesAsync(
        string bucketName, TimeSpan resolution, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken) =>
        Count(await inner.GetSummariesAsync(bucketName, resolution, earliest, latest, cancellationToken));

    /// <inheritdoc />
    public async Task<SizeRecord?> GetLargestAsync(string bucketName, CancellationToken cancellationToken) =>
        Count(await inner.GetLargestAsync(bucketName, cancellationToken));

    private T? Count<T>(T? item)
        where T : class
    {
        Interlocked.Add(ref _itemsRead, item is null ? 0 : 1);
        return item;
    }

    private IReadOnlyList<T> Count<T>(IReadOnlyList<T> items)
    {
        Interlocked.Add(ref _itemsRead, items.Count);
        return items;
    }
}
