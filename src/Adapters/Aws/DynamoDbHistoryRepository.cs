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
    // retry cancellations, so these are retried here, a bounded number of times with jittered exponential backoff.
    private const int MaxCancellationRetries = 5;
    private static readonly string[] RetriedCancellations = ["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"];

    private const string MarkerPrefix = "event#";
    private const string ConditionalCheckFailed = "ConditionalCheckFailed";
    private const string NotExists = "attribute_not_exists(" + HistorySchema.BucketAttribute + ")";

    /// <inheritdoc />
    public async Task<AppendResult> AppendAsync(SizeRecord record, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
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

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.TransactWriteItemsAsync(new TransactWriteItemsRequest
                {
                    TransactItems = items,
                    // Set here rather than left to the SDK, so that the guarantee above does not rest on a default.
                    ClientRequestToken = Guid.NewGuid().ToString("N"),
                }, cancellationToken);
                return new AppendResult(AppendOutcome.Appended, record);
            }
            catch (TransactionCanceledException ex)
            {
                var reasons = ex.CancellationReasons ?? [];
                var markerReason = reasons.ElementAtOrDefault(1);
                if (markerReason?.Code == ConditionalCheckFailed)
                {
                    return new AppendResult(AppendOutcome.AlreadyRecorded, FromMarker(idempotencyKey!, markerReason.Item));
                }

                if (reasons.ElementAtOrDefault(0)?.Code == ConditionalCheckFailed)
                {
                    return new AppendResult(AppendOutcome.TimeTaken, record);
                }

                if (reasons.Any(r => RetriedCancellations.Contains(r.Code)) && attempt < MaxCancellationRetries)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 25 << attempt)), cancellationToken);
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
            startKey = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (startKey is not null);

        return records;
    }

    /// <summary>
    /// How many records the newest-first read of <see cref="GetRecentAsync"/> asks for: enough for a 10-second window
    /// of a busy bucket in one request, few enough that the records it reads beyond the window cost next to nothing
    /// (100 small items are about 2 read units with strong consistency).
    /// </summary>
    public const int RecentPageSize = 100;

    /// <inheritdoc />
    /// <remarks>
    /// One strongly consistent query, newest first, answers both the latest record and its window whenever the
    /// window holds fewer than <see cref="RecentPageSize"/> records; only a fuller window costs a second read, of
    /// exactly its range.
    /// </remarks>
    public async Task<IReadOnlyList<SizeRecord>> GetRecentAsync(string bucketName, TimeSpan window, CancellationToken cancellationToken)
    {
        var response = await client.QueryAsync(new QueryRequest
        {
            TableName = tableName,
            KeyConditionExpression = "bucket_name = :b",
            ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":b"] = new() { S = bucketName } },
            ScanIndexForward = false,
            Limit = RecentPageSize,
            ConsistentRead = true,
        }, cancellationToken);
        var newestFirst = (response.Items ?? []).Select(FromItem).ToList();
        if (newestFirst.Count == 0)
        {
            return [];
        }

        var latest = newestFirst[0];
        var earliest = latest.Time - window;
        var pageCoversWindow = newestFirst[^1].Time <= earliest || response.LastEvaluatedKey is not { Count: > 0 };
        if (!pageCoversWindow)
        {
            return await GetRangeAsync(bucketName, earliest, latest.Time, cancellationToken);
        }

        return [.. newestFirst.Where(record => record.Time >= earliest).Reverse()];
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
    public static async Task EnsureTableAsync(IAmazonDynamoDB client, string tableName, string sizeIndexName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await client.CreateTableAsync(TableDefinition(tableName, sizeIndexName), cancellationToken);
        }
        catch (ResourceInUseException)
        {
            // Already there.
        }

        for (var attempt = 0; attempt < 600; attempt++)
        {
            var table = (await client.DescribeTableAsync(tableName, cancellationToken)).Table;
            if (table.TableStatus == TableStatus.ACTIVE && (table.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new TimeoutException($"table {tableName} did not become active within a minute");
    }

    private static SizeRecord FromMarker(string idempotencyKey, Dictionary<string, AttributeValue>? marker) =>
        marker is { Count: > 0 }
            ? new SizeRecord(
                marker["recorded_bucket"].S,
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(marker["recorded_time"].N, CultureInfo.InvariantCulture)),
                long.Parse(marker["recorded_size"].N, CultureInfo.InvariantCulture),
                int.Parse(marker["recorded_cnt"].N, CultureInfo.InvariantCulture))
            : throw new InvalidOperationException(
                $"the idempotency marker of event {idempotencyKey} exists, but DynamoDB did not return it with the cancellation");

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
