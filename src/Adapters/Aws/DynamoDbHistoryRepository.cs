using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Assignment3.Catalog;
using Assignment3.Domain;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.Aws;

/// <summary>
/// The history in DynamoDB. Items: <c>bucket_name</c> (S, partition), <c>time</c> (N, epoch ms, sort),
/// <c>total_size</c> (N), <c>object_cnt</c> (N). The GSI (<c>bucket_name</c>, <c>total_size</c>) serves the maximum.
/// Every read is a Query; nothing ever scans.
/// </summary>
/// <remarks>
/// <para>
/// Exactly one record per event: the record and an idempotency marker (keyed <c>event#&lt;id&gt;</c> / time 0,
/// remembering which record the event produced) are written by one <c>TransactWriteItems</c>, both conditioned on not
/// existing. A cancellation because the marker exists means "already recorded" (the marker comes back with the
/// cancellation, so no read follows); because the record's millisecond is taken, "try the next millisecond".
/// </para>
/// <para>
/// DynamoDB may commit a write and still answer 500 or lose the response; the SDK then retries. Every transaction
/// carries a <c>ClientRequestToken</c>, the same on each retry of one call, and DynamoDB answers a repeat of a
/// committed transaction (within ten minutes) with success instead of running it again, so a retried commit is
/// neither a second record nor a loss. A first delivery costs one write request and no read.
/// </para>
/// <para>
/// Markers expire through the table's TTL attribute <c>expires_at</c> after <see cref="MarkerLifetime"/>. Their
/// attributes are not named like the GSI's keys, so markers never enter the index.
/// </para>
/// </remarks>
public sealed class DynamoDbHistoryRepository(IAmazonDynamoDB client, string tableName, string sizeIndexName) : IHistoryRepository
{
    /// <summary>
    /// How long an event id is remembered: longer than an event can still arrive, whether through Lambda's and
    /// EventBridge's retries (hours) or replayed from the failure queue, which keeps events 14 days.
    /// </summary>
    public static readonly TimeSpan MarkerLifetime = TimeSpan.FromDays(15);

    // A transaction can be cancelled without any condition failing: by a concurrent transaction on the same item
    // (two deliveries of one event; the next try sees the winner's marker) or for lack of capacity. The SDK does not
    // retry cancellations, so these are retried here (DynamoDbCalls: bounded, jittered exponential backoff).
    // Appends to one bucket also race for its summaries: ten tries absorb a handful of concurrent writers per bucket.
    private const string MarkerPrefix = "event#";
    private const string ConditionalCheckFailed = DynamoDbCalls.ConditionalCheckFailed;
    private const string NotExists = "attribute_not_exists(" + HistorySchema.BucketAttribute + ")";

    /// <inheritdoc />
    /// <remarks>
    /// The record's summaries are read first (one strongly consistent <c>BatchGetItem</c>), folded, and written in the
    /// record's transaction, each conditioned on still holding the change count that was read: a concurrent append to
    /// the same slot cancels the transaction, and the whole append is tried again from the read.
    /// </remarks>
    public async Task<AppendResult> AppendAsync(SizeRecord record, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        for (var attempt = 0; ; attempt++)
        {
            var summaries = await ReadSummariesOfAsync(record, cancellationToken);
            var items = new List<TransactWriteItem> { new() { Put = new Put { TableName = tableName, Item = ToItem(record), ConditionExpression = NotExists } } };
            if (idempotencyKey is not null)
            {
                items.Add(new TransactWriteItem
                {
                    Put = new Put
                    {
                        TableName = tableName,
                        Item = ToMarker(idempotencyKey, record),
                        ConditionExpression = NotExists,
                        ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure.ALL_OLD,
                    },
                });
            }

            var firstSummary = items.Count;
            items.AddRange(SummaryResolutions.All.Select(resolution => new TransactWriteItem { Put = SummaryPut(record, resolution, summaries) }));

            try
            {
                await client.TransactWriteItemsAsync(new TransactWriteItemsRequest
                {
                    TransactItems = items,
                    ClientRequestToken = DynamoDbCalls.NewClientRequestToken(),
                }, cancellationToken);
                return new AppendResult(AppendOutcome.Appended, record);
            }
            catch (TransactionCanceledException ex)
            {
                var reasons = ex.CancellationReasons ?? [];
                if (idempotencyKey is not null && reasons.ElementAtOrDefault(1) is { Code: ConditionalCheckFailed } markerReason)
                {
                    return new AppendResult(AppendOutcome.AlreadyRecorded, FromMarker(idempotencyKey, markerReason.Item));
                }

                if (reasons.ElementAtOrDefault(0)?.Code == ConditionalCheckFailed)
                {
                    return new AppendResult(AppendOutcome.TimeTaken, record);
                }

                // A summary changed since it was read: another record of the same slot was appended meanwhile.
                var summaryMoved = reasons.Skip(firstSummary).Any(r => r.Code == ConditionalCheckFailed);
                if ((summaryMoved || DynamoDbCalls.IsWorthRetrying(ex)) && attempt < DynamoDbCalls.MaxRetries)
                {
                    await DynamoDbCalls.BackOffAsync(attempt, cancellationToken);
                    continue;
                }

                throw new InvalidOperationException(
                    $"DynamoDB cancelled the write of {record.BucketName} at {record.TimeMilliseconds}: " +
                    string.Join(", ", reasons.Select(r => r.Code ?? "None")), ex);
            }
        }
    }

    /// <inheritdoc />
    public async Task<SizeRecord?> GetLatestAsync(string bucketName, CancellationToken cancellationToken)
    {
        var response = await client.QueryAsync(new QueryRequest
        {
            TableName = tableName,
            KeyConditionExpression = "bucket_name = :b",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":b"] = new() { S = bucketName } },
            ScanIndexForward = false,
            Limit = 1,
            ConsistentRead = true,
        }, cancellationToken);
        return response.Items is { Count: > 0 } items ? FromItem(items[0]) : null;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SizeRecord>> GetRangeAsync(
        string bucketName, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        var records = new List<SizeRecord>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await client.QueryAsync(new QueryRequest
            {
                TableName = tableName,
                // "time" is a reserved word in DynamoDB expressions.
                KeyConditionExpression = "bucket_name = :b AND #t BETWEEN :from AND :to",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#t"] = HistorySchema.TimeAttribute },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":b"] = new() { S = bucketName },
                    [":from"] = Number(earliest.ToUnixTimeMilliseconds()),
                    [":to"] = Number(latest.ToUnixTimeMilliseconds()),
                },
                ScanIndexForward = true,
                ConsistentRead = true,
                ExclusiveStartKey = startKey,
            }, cancellationToken);
            records.AddRange((response.Items ?? []).Select(FromItem));
            // A page that ends on the range's last key is the last: a query may not start after its range's edge.
            startKey = response.LastEvaluatedKey is { Count: > 0 } next && records is [.., var last] && last.Time < latest ? next : null;
        }
        while (startKey is not null);

        return records;
    }

    /// <summary>
    /// How many records the first newest-first read of <see cref="GetRecentAsync"/> asks for at most: enough for a
    /// 10-second window of a busy bucket in one request, few enough that the records it reads beyond the window cost
    /// next to nothing (100 small items are about 2 read units with strong consistency).
    /// </summary>
    public const int RecentPageSize = 100;

    /// <inheritdoc />
    /// <remarks>
    /// Strongly consistent queries, newest first, each asking for no more than is still missing: the first answers the
    /// latest record and, whenever the window holds fewer than <see cref="RecentPageSize"/> records, its whole window.
    /// </remarks>
    public async Task<IReadOnlyList<SizeRecord>> GetRecentAsync(string bucketName, TimeSpan window, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var newestFirst = new List<SizeRecord>();
        var request = new QueryRequest
        {
            TableName = tableName,
            KeyConditionExpression = "bucket_name = :b",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":b"] = new() { S = bucketName } },
            ScanIndexForward = false,
            Limit = Math.Min(limit, RecentPageSize),
            ConsistentRead = true,
        };
        DateTimeOffset? earliest = null;
        while (true)
        {
            var response = await client.QueryAsync(request, cancellationToken);
            var page = (response.Items ?? []).Select(FromItem).ToList();
            if (earliest is null)
            {
                if (page.Count == 0)
                {
                    return [];
                }

                // The latest record is known now: later pages ask only for its window.
                earliest = page[0].Time - window;
                request.KeyConditionExpression = "bucket_name = :b AND #t BETWEEN :from AND :to";
                request.ExpressionAttributeNames = new Dictionary<string, string> { ["#t"] = HistorySchema.TimeAttribute };
                request.ExpressionAttributeValues[":from"] = Number(earliest.Value.ToUnixTimeMilliseconds());
                request.ExpressionAttributeValues[":to"] = Number(page[0].TimeMilliseconds);
            }

            var inWindow = page.TakeWhile(record => record.Time >= earliest).Take(limit - newestFirst.Count).ToList();
            newestFirst.AddRange(inWindow);
            // Done when the page reached the window's start: a query may not start after a key on its range's edge
            // ("the provided starting key does not match the range key predicate"), and need not.
            if (inWindow.Count < page.Count || page[^1].Time <= earliest || newestFirst.Count >= limit
                || response.LastEvaluatedKey is not { Count: > 0 } next)
            {
                break;
            }

            request.ExclusiveStartKey = next;
            request.Limit = limit - newestFirst.Count;
        }

        newestFirst.Reverse();
        return newestFirst;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SizeSummary>> GetSummariesAsync(
        string bucketName, TimeSpan resolution, DateTimeOffset earliest, DateTimeOffset latest, CancellationToken cancellationToken)
    {
        var summaries = new List<SizeSummary>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await client.QueryAsync(new QueryRequest
            {
                TableName = tableName,
                KeyConditionExpression = "bucket_name = :b AND #t BETWEEN :from AND :to",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#t"] = HistorySchema.TimeAttribute },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>
                {
                    [":b"] = new() { S = SummaryPartition(bucketName, resolution) },
                    [":from"] = Number(SizeSummary.SlotStart(earliest, resolution).ToUnixTimeMilliseconds()),
                    [":to"] = Number(latest.ToUnixTimeMilliseconds()),
                },
                ScanIndexForward = true,
                ConsistentRead = true,
                ExclusiveStartKey = startKey,
            }, cancellationToken);
            summaries.AddRange((response.Items ?? []).Select(item => FromSummaryItem(bucketName, resolution, item)));
            startKey = response.LastEvaluatedKey is { Count: > 0 } next && summaries is [.., var last] && last.Start < latest ? next : null;
        }
        while (startKey is not null);

        return summaries;
    }

    /// <inheritdoc />
    public async Task<SizeRecord?> GetLargestAsync(string bucketName, CancellationToken cancellationToken)
    {
        var response = await client.QueryAsync(new QueryRequest
        {
            TableName = tableName,
            IndexName = sizeIndexName,
            KeyConditionExpression = "bucket_name = :b",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":b"] = new() { S = bucketName } },
            ScanIndexForward = false,
            Limit = 1,
        }, cancellationToken);
        return response.Items is { Count: > 0 } items ? FromItem(items[0]) : null;
    }

    /// <summary>The table definition the CDK stack deploys, for emulators and tests.</summary>
    public static CreateTableRequest TableDefinition(string tableName, string sizeIndexName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(HistorySchema.BucketAttribute, ScalarAttributeType.S),
            new AttributeDefinition(HistorySchema.TimeAttribute, ScalarAttributeType.N),
            new AttributeDefinition(HistorySchema.SizeAttribute, ScalarAttributeType.N),
        ],
        KeySchema = [new KeySchemaElement(HistorySchema.BucketAttribute, KeyType.HASH), new KeySchemaElement(HistorySchema.TimeAttribute, KeyType.RANGE)],
        GlobalSecondaryIndexes =
        [
            new GlobalSecondaryIndex
            {
                IndexName = sizeIndexName,
                KeySchema = [new KeySchemaElement(HistorySchema.BucketAttribute, KeyType.HASH), new KeySchemaElement(HistorySchema.SizeAttribute, KeyType.RANGE)],
                Projection = new Projection { ProjectionType = ProjectionType.ALL },
            },
        ],
    };

    /// <summary>
    /// Creates the table (unless it exists) and waits until it is active: for emulators and tests; deployed tables
    /// come from the CDK stack.
    /// </summary>
    public static Task EnsureTableAsync(IAmazonDynamoDB client, string tableName, string sizeIndexName, CancellationToken cancellationToken = default) =>
        DynamoDbCalls.EnsureTableAsync(client, TableDefinition(tableName, sizeIndexName), cancellationToken);

    private static SizeRecord FromMarker(string idempotencyKey, Dictionary<string, AttributeValue>? marker) =>
        marker is { Count: > 0 }
            ? new SizeRecord(
                marker["recorded_bucket"].S,
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(marker["recorded_time"].N, CultureInfo.InvariantCulture)),
                long.Parse(marker["recorded_size"].N, CultureInfo.InvariantCulture),
                int.Parse(marker["recorded_cnt"].N, CultureInfo.InvariantCulture))
            : throw new InvalidOperationException(
                $"the idempotency marker of event {idempotencyKey} exists, but DynamoDB did not return it with the cancellation");

    // The summaries of the record's slots as stored now, by resolution; a slot with no summary yet is absent.
    private async Task<Dictionary<TimeSpan, SizeSummary>> ReadSummariesOfAsync(SizeRecord record, CancellationToken cancellationToken)
    {
        var keys = SummaryResolutions.All.Select(resolution => SummaryKey(record, resolution)).ToList();
        var items = await DynamoDbCalls.BatchGetAsync(client, tableName, keys, $"summaries of {record.BucketName}", cancellationToken);
        return items.Select(item => FromSummaryItem(record.BucketName, ResolutionOf(item[HistorySchema.BucketAttribute].S), item))
            .ToDictionary(summary => summary.Resolution);
    }

    // The folded summary, written only if the stored one still has the change count that was read (or still does not exist).
    private Put SummaryPut(SizeRecord record, TimeSpan resolution, Dictionary<TimeSpan, SizeSummary> stored)
    {
        var put = new Put { TableName = tableName };
        if (stored.TryGetValue(resolution, out var summary))
        {
            put.Item = ToSummaryItem(summary.Add(record));
            put.ConditionExpression = HistorySchema.ChangesAttribute + " = :changes";
            put.ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":changes"] = Number(summary.Changes) };
        }
        else
        {
            put.Item = ToSummaryItem(SizeSummary.Of(record, resolution));
            put.ConditionExpression = NotExists;
        }

        return put;
    }

    private static string SummaryPartition(string bucketName, TimeSpan resolution) =>
        HistorySchema.SummaryPartition(bucketName, (long)resolution.TotalSeconds);

    private static TimeSpan ResolutionOf(string summaryPartition) =>
        TimeSpan.FromSeconds(long.Parse(summaryPartition.Split('#')[1], CultureInfo.InvariantCulture));

    private static Dictionary<string, AttributeValue> SummaryKey(SizeRecord record, TimeSpan resolution) =>
        Key(SummaryPartition(record.BucketName, resolution), SizeSummary.SlotStart(record.Time, resolution).ToUnixTimeMilliseconds());

    private static Dictionary<string, AttributeValue> ToSummaryItem(SizeSummary summary)
    {
        var item = Key(SummaryPartition(summary.BucketName, summary.Resolution), summary.Start.ToUnixTimeMilliseconds());
        foreach (var (role, kept) in HistorySchema.SummaryRoles.Zip([summary.Smallest, summary.Largest, summary.Last]))
        {
            item[role + "_time"] = Number(kept.TimeMilliseconds);
            item[role + "_size"] = Number(kept.TotalSize);
            item[role + "_cnt"] = Number(kept.ObjectCount);
        }

        item[HistorySchema.ChangesAttribute] = Number(summary.Changes);
        return item;
    }

    private static SizeSummary FromSummaryItem(string bucketName, TimeSpan resolution, Dictionary<string, AttributeValue> item)
    {
        var kept = HistorySchema.SummaryRoles.Select(role => new SizeRecord(bucketName,
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(item[role + "_time"].N, CultureInfo.InvariantCulture)),
            long.Parse(item[role + "_size"].N, CultureInfo.InvariantCulture),
            int.Parse(item[role + "_cnt"].N, CultureInfo.InvariantCulture))).ToList();
        return new SizeSummary(bucketName, resolution,
            DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(item[HistorySchema.TimeAttribute].N, CultureInfo.InvariantCulture)),
            kept[0], kept[1], kept[2], long.Parse(item[HistorySchema.ChangesAttribute].N, CultureInfo.InvariantCulture));
    }

    private static Dictionary<string, AttributeValue> Key(string bucket, long time) => new()
    {
        [HistorySchema.BucketAttribute] = new() { S = bucket },
        [HistorySchema.TimeAttribute] = Number(time),
    };

    private static Dictionary<string, AttributeValue> ToItem(SizeRecord record) => new(Key(record.BucketName, record.TimeMilliseconds))
    {
        [HistorySchema.SizeAttribute] = Number(record.TotalSize),
        [HistorySchema.CountAttribute] = Number(record.ObjectCount),
    };

    private static Dictionary<string, AttributeValue> ToMarker(string idempotencyKey, SizeRecord record) => new(Key(MarkerPrefix + idempotencyKey, 0))
    {
        ["recorded_bucket"] = new() { S = record.BucketName },
        ["recorded_time"] = Number(record.TimeMilliseconds),
        ["recorded_size"] = Number(record.TotalSize),
        ["recorded_cnt"] = Number(record.ObjectCount),
        [HistorySchema.ExpiresAttribute] = Number(DateTimeOffset.UtcNow.Add(MarkerLifetime).ToUnixTimeSeconds()),
    };

    private static SizeRecord FromItem(Dictionary<string, AttributeValue> item) => new(
        item[HistorySchema.BucketAttribute].S,
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(item[HistorySchema.TimeAttribute].N, CultureInfo.InvariantCulture)),
        long.Parse(item[HistorySchema.SizeAttribute].N, CultureInfo.InvariantCulture),
        int.Parse(item[HistorySchema.CountAttribute].N, CultureInfo.InvariantCulture));

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
