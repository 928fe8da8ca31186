using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.InMemory;

/// <summary>Objects' states and buckets' totals in memory; one lock makes each apply atomic.</summary>
/// <param name="maxObjectsPerApply">How many objects one apply may write (DynamoDB's transactions allow 99 with the totals).</param>
public sealed class InMemoryObjectStateStore(int maxObjectsPerApply = 99) : IObjectStateStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string Bucket, string Key), StoredObjectState> _objects = [];
    private readonly Dictionary<string, BucketTotals> _totals = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ReconciliationMark> _reconciliations = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public int MaxObjectsPerApply => maxObjectsPerApply;

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, StoredObjectState>> GetAsync(string bucketName, IReadOnlyCollection<string> keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        lock (_gate)
        {
            var found = new Dictionary<string, StoredObjectState>(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                if (_objects.TryGetValue((bucketName, key), out var stored))
                {
                    found[key] = stored;
                }
            }

            return Task.FromResult<IReadOnlyDictionary<string, StoredObjectState>>(found);
        }
    }

    /// <inheritdoc />
    public Task<bool> ApplyAsync(string bucketName, IReadOnlyList<ObjectStateWrite> writes, BucketTotals delta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(delta);
        ObjectStateWrites.Check(writes, maxObjectsPerApply);
        lock (_gate)
        {
            if (writes.Any(w => (_objects.TryGetValue((bucketName, w.Key), out var stored) ? stored.Revision : 0) != w.ExpectedRevision))
            {
                return Task.FromResult(false);
            }

            foreach (var write in writes)
            {
                _objects[(bucketName, write.Key)] = new StoredObjectState(write.State, write.ExpectedRevision + 1, write.WrittenAt);
            }

            _totals[bucketName] = _totals.GetValueOrDefault(bucketName, BucketTotals.Zero).Plus(delta);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<BucketTotals> GetTotalsAsync(string bucketName, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_totals.GetValueOrDefault(bucketName, BucketTotals.Zero));
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, StoredObjectState>> GetRangeAsync(string bucketName, KeyRange range, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyDictionary<string, StoredObjectState>>(_objects
                .Where(entry => entry.Key.Bucket == bucketName && range.Contains(entry.Key.Key))
                .ToDictionary(entry => entry.Key.Key, entry => entry.Value, StringComparer.Ordinal));
        }
    }

    /// <inheritdoc />
    public Task<ReconciliationMark?> GetReconciliationAsync(string bucketName, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_reconciliations.GetValueOrDefault(bucketName));
        }
    }

    /// <inheritdoc />
    public Task SaveReconciliationAsync(string bucketName, ReconciliationMark mark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mark);
        lock (_gate)
        {
            _reconciliations[bucketName] = mark with { LastFinishedAt = mark.LastFinishedAt ?? _reconciliations.GetValueOrDefault(bucketName)?.LastFinishedAt };
            return Task.CompletedTask;
        }
    }
}
