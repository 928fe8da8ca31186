using Assignment3.Domain;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.InMemory;

/// <summary>A thread-safe history in memory with the same semantics as the DynamoDB table.</summary>
public sealed class InMemoryHistoryRepository : IHistoryRepository
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SortedList<long, SizeRecord>> _byBucket = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SizeRecord> _byIdempotencyKey = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Bucket, TimeSpan Resolution), SortedList<long, SizeSummary>> _summaries = [];

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

            foreach (var resolution in SummaryResolutions.All)
            {
                var slots = BucketSummaries(record.BucketName, resolution);
                var start = SizeSummary.SlotStart(record.Time, resolution).ToUnixTimeMilliseconds();
                slots[start] = slots.TryGetValue(start, out var summary) ? summary.Add(record) : SizeSummary.Of(record, resolution);
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
    public Task<IReadOnlyList<SizeRecord>> GetRecentAsync(string bucketName, TimeSpan window, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var records = BucketRecords(bucketName).Values;
            if (records.Count == 0)
            {
                return Task.FromResult<IReadOnlyList<SizeRecord>>([]);
            }

            var earliest = records[^1].Time - window;
            var newestFirst = new List<SizeRecord>();
            for (var i = records.Count - 1; i >= 0 && newestFirst.Count < limit && records[i].Time >= earliest; i--)
            {
                newestFirst.Add(records[i]);
            }

            newestFirst.Reverse();
            return Task.FromResult<IReadOnlyList<SizeRecord>>(newestFirst);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SizeSummary>> GetSummariesAsync(
        string bucketName, TimeSpan resolution, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        var from = SizeSummary.SlotStart(earliest, resolution).ToUnixTimeMilliseconds();
        var to = latest.ToUnixTimeMilliseconds();
        lock (_gate)
        {
            IReadOnlyList<SizeSummary> range = [.. BucketSummaries(bucketName, resolution).Where(p => p.Key >= from && p.Key <= to).Select(p => p.Value)];
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

    private SortedList<long, SizeSummary> BucketSummaries(string bucketName, TimeSpan resolution)
    {
        if (!SummaryResolutions.All.Contains(resolution))
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "no summaries are kept at this resolution");
        }

        if (!_summaries.TryGetValue((bucketName, resolution), out var slots))
        {
            slots = [];
            _summaries[(bucketName, resolution)] = slots;
        }

        return slots;
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
