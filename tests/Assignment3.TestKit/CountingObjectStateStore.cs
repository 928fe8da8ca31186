using Assignment3.Domain.Ports;

namespace Assignment3.TestKit;

/// <summary>
/// An object state store that counts its callers' requests (each would be one DynamoDB request) and can let another
/// writer in just before an apply, as a concurrent batch would.
/// </summary>
public sealed class CountingObjectStateStore(IObjectStateStore inner) : IObjectStateStore
{
    private int _calls;

    /// <summary>Requests so far, of every kind.</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>Runs (once) before the next apply reaches the store.</summary>
    public Func<Task>? BeforeNextApply { get; set; }

    /// <inheritdoc />
    public int MaxObjectsPerApply => inner.MaxObjectsPerApply;

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, StoredObjectState>> GetAsync(string bucketName, IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.GetAsync(bucketName, keys, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<bool> ApplyAsync(string bucketName, IReadOnlyList<ObjectStateWrite> writes, BucketTotals delta, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (BeforeNextApply is { } interfere)
        {
            BeforeNextApply = null;
            await interfere();
        }

        return await inner.ApplyAsync(bucketName, writes, delta, cancellationToken);
    }

    /// <inheritdoc />
    public Task<BucketTotals> GetTotalsAsync(string bucketName, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.GetTotalsAsync(bucketName, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, StoredObjectState>> GetRangeAsync(string bucketName, KeyRange range, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.GetRangeAsync(bucketName, range, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ReconciliationMark?> GetReconciliationAsync(string bucketName, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.GetReconciliationAsync(bucketName, cancellationToken);
    }

    /// <inheritdoc />
    public Task SaveReconciliationAsync(string bucketName, ReconciliationMark mark, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        return inner.SaveReconciliationAsync(bucketName, mark, cancellationToken);
    }
}
