using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Assignment3.Catalog;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.Aws;

/// <summary>
/// Incremental tracking's object states and running totals, in a table of their own (<see cref="ObjectStateSchema"/>).
/// A bucket's object states are spread over <see cref="ObjectStateSchema.ShardCount"/> partitions,
/// <c>&lt;bucket&gt;#00</c> … <c>&lt;bucket&gt;#15</c> by a hash of the key, each sorted by the key (<c>object_key</c>):
/// <c>status</c>, <c>bytes</c>, <c>etag</c>, <c>version_id</c>, <c>sequencer</c>, <c>observed_at</c> (each left out when
/// unknown), <c>written_at</c>, <c>revision</c>. The bucket's totals and reconciliation mark are one item,
/// <c>&lt;bucket&gt;#totals</c> / <c>totals</c> (<c>bytes</c>, <c>objects</c>, <c>unconfirmed_deletes</c>,
/// <c>reconciled_at</c>, <c>resume_after</c>).
/// </summary>
/// <remarks>
/// <para>
/// An apply is one <c>TransactWriteItems</c>: a Put of each state conditioned on the revision that was read (or on
/// the item not existing), and one Update that ADDs the delta to the totals. A failed condition cancels the whole
/// transaction: nothing is written and the apply answers false. Cancellations no condition caused (a concurrent
/// transaction on one of the items, throttling) are tried again a bounded number of times.
/// </para>
/// <para>
/// An ADD is not idempotent by itself; the transaction's <c>ClientRequestToken</c> makes it so. When DynamoDB commits
/// and the answer is lost (a 500, a dropped connection), the SDK sends the same request again with the same token, and
/// DynamoDB answers it as done (within ten minutes) instead of adding the delta twice.
/// </para>
/// <para>
/// A range of keys (a reconciliation's listing page) is one strongly consistent Query per shard. DynamoDB orders String
/// sort keys by their UTF-8 bytes, as S3 orders keys (<see cref="KeyOrder"/>), so the key condition selects exactly
/// the keys the page covers.
/// </para>
/// </remarks>
/// <param name="client">The DynamoDB client.</param>
/// <param name="tableName">The object state table (not the history table).</param>
/// <param name="queryPageLimit">
/// At most this many items per Query page (DynamoDB's <c>Limit</c>); null leaves pages to DynamoDB (up to 1 MB). Tests
/// set it to make page boundaries happen with a handful of items.
/// </param>
public sealed class DynamoDbObjectStateStore(IAmazonDynamoDB client, string tableName, int? queryPageLimit = null) : IObjectStateStore
{
    /// <summary>DynamoDB's transactions hold at most 100 items; one is the totals.</summary>
    public const int MaxObjects = 99;

    private const string NotExists = "attribute_not_exists(" + ObjectStateSchema.PartitionAttribute + ")";

    /// <inheritdoc />
    public int MaxObjectsPerApply => MaxObjects;

    /// <inheritdoc />
    /// <remarks>Strongly consistent <c>BatchGetItem</c>s of at most 100 keys; unprocessed keys are asked again.</remarks>
    public async Task<IReadOnlyDictionary<string, StoredObjectState>> GetAsync(string bucketName, IReadOnlyCollection<string> keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        // BatchGetItem refuses a key named twice.
        var items = await DynamoDbCalls.BatchGetAsync(client, tableName,
            [.. keys.Distinct(StringComparer.Ordinal).Select(key => StateKey(bucketName, key))], $"object states of {bucketName}", cancellationToken);
        return items.ToDictionary(item => item[ObjectStateSchema.KeyAttribute].S, FromItem, StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public async Task<bool> ApplyAsync(string bucketName, IReadOnlyList<ObjectStateWrite> writes, BucketTotals delta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writes);
        ArgumentNullException.ThrowIfNull(delta);
        ObjectStateWrites.Check(writes, MaxObjects);
        var items = writes.Select(write => new TransactWriteItem { Put = StatePut(bucketName, write) }).ToList();
        if (!delta.IsZero)
        {
            items.Add(new TransactWriteItem { Update = TotalsUpdate(bucketName, delta) });
        }

        if (items.Count == 0)
        {
            return true; // nothing to write, and a transaction may not be empty
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.TransactWriteItemsAsync(new TransactWriteItemsRequest
                {
                    TransactItems = items,
                    ClientRequestToken = DynamoDbCalls.NewClientRequestToken(),
                }, cancellationToken);
                return true;
            }
            catch (TransactionCanceledException ex)
            {
                var reasons = ex.CancellationReasons ?? [];
                // Only the states carry conditions: one of them was written by someone else since it was read.
                if (reasons.Take(writes.Count).Any(r => r.Code == DynamoDbCalls.ConditionalCheckFailed))
                {
                    return false;
                }

                if (DynamoDbCalls.IsWorthRetrying(ex) && attempt < DynamoDbCalls.MaxRetries)
                {
                    await DynamoDbCalls.BackOffAsync(attempt, cancellationToken);
                    continue;
                }

                throw new InvalidOperationException(
                    $"DynamoDB cancelled the apply of {writes.Count} object state(s) of {bucketName}: " +
                    string.Join(", ", reasons.Select(r => r.Code ?? "None")), ex);
            }
        }
    }

    /// <inheritdoc />
    public async Task<BucketTotals> GetTotalsAsync(string bucketName, CancellationToken cancellationToken)
    {
        var item = await GetTotalsItemAsync(bucketName, cancellationToken);
        return item is null
            ? BucketTotals.Zero
            : new BucketTotals(Number(item, ObjectStateSchema.BytesAttribute), Number(item, ObjectStateSchema.ObjectsAttribute),
                Number(item, ObjectStateSchema.UnconfirmedDeletesAttribute));
    }

    /// <inheritdoc />
    /// <remarks>
    /// One strongly consistent Query per shard, side by side, each following its pages. DynamoDB takes one condition on
    /// the sort key: <c>&gt; After</c> or <c>&lt;= Through</c> alone, or <c>BETWEEN After AND Through</c> (both ends
    /// included) with the item at <c>After</c> left out here.
    /// </remarks>
    public async Task<IReadOnlyDictionary<string, StoredObjectState>> GetRangeAsync(string bucketName, KeyRange range, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(range);
        var found = new Dictionary<string, StoredObjectState>(StringComparer.Ordinal);
        if (range is { After: { } after, Through: { } through } && KeyOrder.Instance.Compare(after, through) >= 0)
        {
            return found; // no key lies between, and BETWEEN refuses a lower bound above the upper one
        }

        var shards = await Task.WhenAll(Enumerable.Range(0, ObjectStateSchema.ShardCount)
            .Select(shard => QueryShardAsync(ObjectStateSchema.ObjectPartition(bucketName, shard), range, cancellationToken)));
        foreach (var item in shards.SelectMany(items => items))
        {
            var key = item[ObjectStateSchema.KeyAttribute].S;
            if (!string.Equals(key, range.After, StringComparison.Ordinal))
            {
                found[key] = FromItem(item);
            }
        }

        return found;
    }

    /// <inheritdoc />
    /// <remarks>Both values are attributes of the totals item; a mark with neither (never saved) is null.</remarks>
    public async Task<ReconciliationMark?> GetReconciliationAsync(string bucketName, CancellationToken cancellationToken)
    {
        var item = await GetTotalsItemAsync(bucketName, cancellationToken);
        long? finishedAt = item?.TryGetValue(ObjectStateSchema.ReconciledAtAttribute, out var at) == true
            ? long.Parse(at.N, CultureInfo.InvariantCulture)
            : null;
        var resumeAfter = item is null ? null : Text(item, ObjectStateSchema.ResumeAfterAttribute);
        return finishedAt is null && resumeAfter is null ? null : new ReconciliationMark(finishedAt, resumeAfter);
    }

    /// <inheritdoc />
    /// <remarks>
    /// One UpdateItem that SETs (or REMOVEs, when null) the two attributes and leaves the totals as they are. It is not
    /// part of an apply's transaction, so DynamoDB refuses it (<c>TransactionConflict</c>) while an apply holds the totals
    /// item; the SDK does not retry that, so it is tried again here, as a cancelled apply is.
    /// </remarks>
    public async Task SaveReconciliationAsync(string bucketName, ReconciliationMark mark, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(mark);
        var set = new List<string>();
        var remove = new List<string>();
        var values = new Dictionary<string, AttributeValue>();
        // DynamoDB refuses a name the expression does not use, so each goes in with its use.
        var names = new Dictionary<string, string> { ["#resume"] = ObjectStateSchema.ResumeAfterAttribute };
        if (mark.LastFinishedAt is { } finishedAt)
        {
            // Only ever set: a reconciliation under way (or another one, at once) never forgets that one finished.
            set.Add("#reconciled = :reconciled");
            values[":reconciled"] = Number(finishedAt);
            names["#reconciled"] = ObjectStateSchema.ReconciledAtAttribute;
        }

        if (mark.ResumeAfter is { } resumeAfter)
        {
            set.Add("#resume = :resume");
            values[":resume"] = new AttributeValue { S = resumeAfter };
        }
        else
        {
            remove.Add("#resume");
        }

        var request = new UpdateItemRequest
        {
            TableName = tableName,
            Key = TotalsKey(bucketName),
            UpdateExpression = string.Join(' ', new[] { set.Count > 0 ? "SET " + string.Join(", ", set) : null, remove.Count > 0 ? "REMOVE " + string.Join(", ", remove) : null }
                .OfType<string>()),
            ExpressionAttributeNames = names,
            // DynamoDB refuses an empty map of values as it refuses an unused one.
            ExpressionAttributeValues = values.Count > 0 ? values : null,
        };
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.UpdateItemAsync(request, cancellationToken);
                return;
            }
            catch (TransactionConflictException) when (attempt < DynamoDbCalls.MaxRetries)
            {
                await DynamoDbCalls.BackOffAsync(attempt, cancellationToken);
            }
        }
    }

    /// <summary>The table definition the CDK stack deploys (<see cref="ObjectStateSchema"/>), for emulators and tests.</summary>
    public static CreateTableRequest TableDefinition(string tableName) => new()
    {
        TableName = tableName,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        AttributeDefinitions =
        [
            new AttributeDefinition(ObjectStateSchema.PartitionAttribute, ScalarAttributeType.S),
            new AttributeDefinition(ObjectStateSchema.KeyAttribute, ScalarAttributeType.S),
        ],
        KeySchema = [new KeySchemaElement(ObjectStateSchema.PartitionAttribute, KeyType.HASH), new KeySchemaElement(ObjectStateSchema.KeyAttribute, KeyType.RANGE)],
    };

    /// <summary>Creates the table (unless it exists) and waits until it is active: for emulators and tests.</summary>
    public static Task EnsureTableAsync(IAmazonDynamoDB client, string tableName, CancellationToken cancellationToken = default) =>
        DynamoDbCalls.EnsureTableAsync(client, TableDefinition(tableName), cancellationToken);

    private async Task<Dictionary<string, AttributeValue>?> GetTotalsItemAsync(string bucketName, CancellationToken cancellationToken)
    {
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = tableName,
            Key = TotalsKey(bucketName),
            ConsistentRead = true,
        }, cancellationToken);
        return response.Item is { Count: > 0 } item ? item : null;
    }

    // Every item of one shard whose key lies in the range (the item at After included, when both ends are given).
    // No projection: a Query costs what the items it reads weigh, whatever it returns, and FromItem needs nearly all.
    private async Task<List<Dictionary<string, AttributeValue>>> QueryShardAsync(string partition, KeyRange range, CancellationToken cancellationToken)
    {
        var names = new Dictionary<string, string> { ["#shard"] = ObjectStateSchema.PartitionAttribute };
        var values = new Dictionary<string, AttributeValue> { [":shard"] = new() { S = partition } };
        var keyCondition = (range.After, range.Through) switch
        {
            (null, null) => null,
            (_, null) => "#key > :after",
            (null, _) => "#key <= :through",
            _ => "#key BETWEEN :after AND :through",
        };
        if (keyCondition is not null)
        {
            names["#key"] = ObjectStateSchema.KeyAttribute;
        }

        if (range.After is { } after)
        {
            values[":after"] = new AttributeValue { S = after };
        }

        if (range.Through is { } through)
        {
            values[":through"] = new AttributeValue { S = through };
        }

        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await client.QueryAsync(new QueryRequest
            {
                TableName = tableName,
                KeyConditionExpression = keyCondition is null ? "#shard = :shard" : "#shard = :shard AND " + keyCondition,
                ExpressionAttributeNames = names,
                ExpressionAttributeValues = values,
                ConsistentRead = true,
                Limit = queryPageLimit,
                ExclusiveStartKey = startKey,
            }, cancellationToken);
            items.AddRange(response.Items ?? []);
            startKey = response.LastEvaluatedKey is { Count: > 0 } last ? last : null;
        }
        while (startKey is not null);

        return items;
    }

    // The new state, written only if the stored one still has the revision that was read (or still does not exist).
    private Put StatePut(string bucketName, ObjectStateWrite write)
    {
        var item = StateKey(bucketName, write.Key);
        item[ObjectStateSchema.StatusAttribute] = new AttributeValue { S = write.State.Status.ToString() };
        item[ObjectStateSchema.BytesAttribute] = Number(write.State.Size);
        item[ObjectStateSchema.RevisionAttribute] = Number(write.ExpectedRevision + 1);
        item[ObjectStateSchema.WrittenAtAttribute] = Number(write.WrittenAt);
        if (write.State.ObservedAt is { } observedAt)
        {
            item[ObjectStateSchema.ObservedAtAttribute] = Number(observedAt);
        }

        foreach (var (name, value) in new[]
        {
            (ObjectStateSchema.ETagAttribute, write.State.ETag),
            (ObjectStateSchema.VersionIdAttribute, write.State.VersionId),
            (ObjectStateSchema.SequencerAttribute, write.State.Sequencer),
        })
        {
            // A value not known is left out, and read back as null.
            if (value is not null)
            {
                item[name] = new AttributeValue { S = value };
            }
        }

        return write.ExpectedRevision == 0
            ? new Put { TableName = tableName, Item = item, ConditionExpression = NotExists }
            : new Put
            {
                TableName = tableName,
                Item = item,
                ConditionExpression = "#revision = :revision",
                ExpressionAttributeNames = new Dictionary<string, string> { ["#revision"] = ObjectStateSchema.RevisionAttribute },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":revision"] = Number(write.ExpectedRevision) },
            };
    }

    // ADD creates the item (and each attribute) at zero when it does not exist yet, and leaves the reconciliation mark
    // alone. Names go through placeholders: DynamoDB reserves many plain words for its expressions.
    private Update TotalsUpdate(string bucketName, BucketTotals delta) => new()
    {
        TableName = tableName,
        Key = TotalsKey(bucketName),
        UpdateExpression = "ADD #bytes :bytes, #objects :objects, #unconfirmed :unconfirmed",
        ExpressionAttributeNames = new Dictionary<string, string>
        {
            ["#bytes"] = ObjectStateSchema.BytesAttribute,
            ["#objects"] = ObjectStateSchema.ObjectsAttribute,
            ["#unconfirmed"] = ObjectStateSchema.UnconfirmedDeletesAttribute,
        },
        ExpressionAttributeValues = new Dictionary<string, AttributeValue>
        {
            [":bytes"] = Number(delta.TotalSize),
            [":objects"] = Number(delta.ObjectCount),
            [":unconfirmed"] = Number(delta.UnconfirmedDeletes),
        },
    };

    private static StoredObjectState FromItem(Dictionary<string, AttributeValue> item) => new(
        new ObjectState(
            Enum.Parse<ObjectStatus>(item[ObjectStateSchema.StatusAttribute].S),
            Number(item, ObjectStateSchema.BytesAttribute),
            Text(item, ObjectStateSchema.ETagAttribute),
            Text(item, ObjectStateSchema.VersionIdAttribute),
            Text(item, ObjectStateSchema.SequencerAttribute),
            item.TryGetValue(ObjectStateSchema.ObservedAtAttribute, out var observed) ? long.Parse(observed.N, CultureInfo.InvariantCulture) : null),
        Number(item, ObjectStateSchema.RevisionAttribute),
        Number(item, ObjectStateSchema.WrittenAtAttribute));

    private static Dictionary<string, AttributeValue> StateKey(string bucketName, string key) =>
        ItemKey(ObjectStateSchema.ObjectPartition(bucketName, ObjectStateSchema.ShardOf(key)), key);

    private static Dictionary<string, AttributeValue> TotalsKey(string bucketName) =>
        ItemKey(ObjectStateSchema.TotalsPartition(bucketName), ObjectStateSchema.TotalsSortKey);

    private static Dictionary<string, AttributeValue> ItemKey(string partition, string sortKey) => new()
    {
        [ObjectStateSchema.PartitionAttribute] = new AttributeValue { S = partition },
        [ObjectStateSchema.KeyAttribute] = new AttributeValue { S = sortKey },
    };

    private static string? Text(Dictionary<string, AttributeValue> item, string name) => item.TryGetValue(name, out var value) ? value.S : null;

    private static long Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? long.Parse(value.N, CultureInfo.InvariantCulture) : 0;

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
