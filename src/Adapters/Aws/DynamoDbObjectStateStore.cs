using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Assignment3.Catalog;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.Aws;

/// <summary>
/// Incremental tracking's object states and running totals, in the history table (no table of their own, no schema
/// change). Each object is an item of its own partition, <c>object#&lt;bucket&gt;#&lt;key&gt;</c> / time 0 (<c>status</c>,
/// <c>bytes</c>, <c>etag</c>, <c>version_id</c>, <c>sequencer</c>, <c>revision</c>); each bucket's totals one item,
/// <c>totals#&lt;bucket&gt;</c> / time 0 (<c>bytes</c>, <c>objects</c>, <c>unconfirmed_deletes</c>). No attribute is named
/// like the index's key, so none of these items enters <c>GSI_SizeByBucket</c>.
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
/// </remarks>
public sealed class DynamoDbObjectStateStore(IAmazonDynamoDB client, string tableName) : IObjectStateStore
{
    /// <summary>DynamoDB's transactions hold at most 100 items; one is the totals.</summary>
    public const int MaxObjects = 99;

    private const string NotExists = "attribute_not_exists(" + HistorySchema.BucketAttribute + ")";

    /// <inheritdoc />
    public int MaxObjectsPerApply => MaxObjects;

    /// <inheritdoc />
    /// <remarks>Strongly consistent <c>BatchGetItem</c>s of at most 100 keys; unprocessed keys are asked again.</remarks>
    public async Task<IReadOnlyDictionary<string, StoredObjectState>> GetAsync(string bucketName, IReadOnlyCollection<string> keys,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        // BatchGetItem refuses a key named twice.
        var byPartition = keys.Distinct(StringComparer.Ordinal).ToDictionary(key => HistorySchema.ObjectPartition(bucketName, key), StringComparer.Ordinal);
        var items = await DynamoDbCalls.BatchGetAsync(client, tableName, [.. byPartition.Keys.Select(ItemKey)],
            $"object states of {bucketName}", cancellationToken);
        return items.ToDictionary(item => byPartition[item[HistorySchema.BucketAttribute].S], FromItem, StringComparer.Ordinal);
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
        var response = await client.GetItemAsync(new GetItemRequest
        {
            TableName = tableName,
            Key = ItemKey(HistorySchema.TotalsPartition(bucketName)),
            ConsistentRead = true,
        }, cancellationToken);
        return response.Item is { Count: > 0 } item
            ? new BucketTotals(Number(item, HistorySchema.BytesAttribute), Number(item, HistorySchema.ObjectsAttribute),
                Number(item, HistorySchema.UnconfirmedDeletesAttribute))
            : BucketTotals.Zero;
    }

    // The new state, written only if the stored one still has the revision that was read (or still does not exist).
    private Put StatePut(string bucketName, ObjectStateWrite write)
    {
        var item = ItemKey(HistorySchema.ObjectPartition(bucketName, write.Key));
        item[HistorySchema.ObjectStatusAttribute] = new AttributeValue { S = write.State.Status.ToString() };
        item[HistorySchema.BytesAttribute] = Number(write.State.Size);
        item[HistorySchema.RevisionAttribute] = Number(write.ExpectedRevision + 1);
        foreach (var (name, value) in new[]
        {
            (HistorySchema.ETagAttribute, write.State.ETag),
            (HistorySchema.VersionIdAttribute, write.State.VersionId),
            (HistorySchema.SequencerAttribute, write.State.Sequencer),
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
                ExpressionAttributeNames = new Dictionary<string, string> { ["#revision"] = HistorySchema.RevisionAttribute },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue> { [":revision"] = Number(write.ExpectedRevision) },
            };
    }

    // ADD creates the item (and each attribute) at zero when it does not exist yet. Names go through placeholders:
    // DynamoDB reserves many plain words for its expressions.
    private Update TotalsUpdate(string bucketName, BucketTotals delta) => new()
    {
        TableName = tableName,
        Key = ItemKey(HistorySchema.TotalsPartition(bucketName)),
        UpdateExpression = "ADD #bytes :bytes, #objects :objects, #unconfirmed :unconfirmed",
        ExpressionAttributeNames = new Dictionary<string, string>
        {
            ["#bytes"] = HistorySchema.BytesAttribute,
            ["#objects"] = HistorySchema.ObjectsAttribute,
            ["#unconfirmed"] = HistorySchema.UnconfirmedDeletesAttribute,
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
            Enum.Parse<ObjectStatus>(item[HistorySchema.ObjectStatusAttribute].S),
            Number(item, HistorySchema.BytesAttribute),
            Text(item, HistorySchema.ETagAttribute),
            Text(item, HistorySchema.VersionIdAttribute),
            Text(item, HistorySchema.SequencerAttribute)),
        Number(item, HistorySchema.RevisionAttribute));

    private static Dictionary<string, AttributeValue> ItemKey(string partition) => new()
    {
        [HistorySchema.BucketAttribute] = new AttributeValue { S = partition },
        [HistorySchema.TimeAttribute] = Number(0),
    };

    private static string? Text(Dictionary<string, AttributeValue> item, string name) => item.TryGetValue(name, out var value) ? value.S : null;

    private static long Number(Dictionary<string, AttributeValue> item, string name) =>
        item.TryGetValue(name, out var value) ? long.Parse(value.N, CultureInfo.InvariantCulture) : 0;

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };
}
