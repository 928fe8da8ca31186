using Assignment3.Domain;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.InMemory;

/// <summary>A thread-safe history in memory with the same semantics as the DynamoDB table.</summary>
public sealed class InMemoryHistoryRepository : IHistoryRepository
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedList<long, SizeRecord>> _byBucket = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SizeRecord> _byIdempotencyKey = new(StringComparer.Ordinal);

    /// <summary>Every stored record of every bucket, oldest first per bucket.</summary>
    public IReadOnlyList<SizeRecord> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _byBucket.Values.SelectMany(records => records.Values)];
            }
        }
    }

    /// <inheritdoc />
    public Task<AppendResult> AppendAsync(SizeRecord record, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            if (idempotencyKey is not null && _byIdempotencyKey.TryGetValue(idempotencyKey, out var earlier))
            {
                return Task.FromResult(new AppendResult(AppendOutcome.AlreadyRecorded, earlier));
            }

            var records = BucketRecords(record.BucketName);
            if (!records.TryAdd(record.TimeMilliseconds, record))
            {
                return Task.FromResult(new AppendResult(AppendOutcome.TimeTaken, records[record.TimeMilliseconds]));
            }

            if (idempotencyKey is not null)
            {
                _byIdempotencyKey[idempotencyKey] = record;
            }

            return Task.FromResult(new AppendResult(AppendOutcome.Appended, record));
        }
    }

    /// <inheritdoc />
    public Task<SizeRecord?> GetLatestAsync(string bucketName, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var records = BucketRecords(bucketName);
            return Task.FromResult(records.Count == 0 ? null : records.Values[^1]);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SizeRecord>> GetRangeAsync(
        string bucketName, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        var (from, to) = (earliest.ToUnixTimeMilliseconds(), latest.ToUnixTimeMilliseconds());
        lock (_gate)
        {
            IReadOnlyList<SizeRecord> range = [.. BucketRecords(bucketName).Where(p => p.Key >= from && p.Key <= to).Select(p => p.Value)];
            return Task.FromResult(range);
        }
    }

    /// <inheritdoc />
    public Task<SizeRecord?> GetLargestAsync(string bucketName, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(BucketRecords(bucketName).Values.MaxBy(r => r.TotalSize));
        }
    }

    private SortedList<long, SizeRecord> BucketRecords(string bucketName)
    {
        if (!_byBucket.TryGetValue(bucketName, out var records))
        {
            records = [];
            _byBucket[bucketName] = records;
        }

        return records;
    }
}
