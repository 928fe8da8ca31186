using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Assignment3.Adapters.Aws;

/// <summary>
/// What every DynamoDB adapter here does alike beyond the SDK's own retries: batch reads whose unprocessed keys are read
/// again, transactions with a token of their own, and the bounded, jittered retry of cancellations no condition caused.
/// </summary>
internal static class DynamoDbCalls
{
    /// <summary>
    /// How many times a cancelled transaction or a batch read's unprocessed keys are tried again. The SDK retries
    /// neither; ten tries with backoff absorb a handful of concurrent writers of one item, and throttling spells.
    /// </summary>
    public const int MaxRetries = 10;

    /// <summary>BatchGetItem's limit of keys per request.</summary>
    public const int MaxKeysPerBatchGet = 100;

    /// <summary>
    /// The cancellation reasons that say nothing about the items: a concurrent transaction on the same item, or a lack
    /// of capacity. A retry may succeed; any other reason (a failed condition, a validation error) will not change.
    /// </summary>
    private static readonly string[] RetriedCancellations = ["TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"];

    /// <summary>The code DynamoDB gives a transaction item whose condition failed.</summary>
    public const string ConditionalCheckFailed = "ConditionalCheckFailed";

    /// <summary>Whether a retry of the cancelled transaction may succeed as it is.</summary>
    public static bool IsWorthRetrying(TransactionCanceledException cancellation) =>
        (cancellation.CancellationReasons ?? []).Any(r => RetriedCancellations.Contains(r.Code));

    /// <summary>
    /// A fresh <c>ClientRequestToken</c>. Set by the adapter rather than left to the SDK, so that the guarantee rests on
    /// no default: the SDK's retries of one call send the same request, hence the same token, and DynamoDB answers a
    /// repeat of a committed transaction (within ten minutes) with success instead of running it again.
    /// </summary>
    public static string NewClientRequestToken() => Guid.NewGuid().ToString("N");

    /// <summary>Waits before try <paramref name="attempt"/> + 1: exponential, jittered, at most ~1.6 s.</summary>
    public static Task BackOffAsync(int attempt, CancellationToken cancellationToken) =>
        Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(10, 25 << Math.Min(attempt, 6))), cancellationToken);

    /// <summary>
    /// Every item of <paramref name="keys"/> that exists, read strongly consistent from <paramref name="tableName"/> in
    /// requests of at most <see cref="MaxKeysPerBatchGet"/> keys. Keys DynamoDB leaves unprocessed (throttling, response
    /// size) are asked again with backoff, as AWS advises; <paramref name="what"/> names them in the error when they stay
    /// unread after <see cref="MaxRetries"/> tries.
    /// </summary>
    public static async Task<List<Dictionary<string, AttributeValue>>> BatchGetAsync(IAmazonDynamoDB client, string tableName,
        IReadOnlyList<Dictionary<string, AttributeValue>> keys, string what, CancellationToken cancellationToken)
    {
        var found = new List<Dictionary<string, AttributeValue>>();
        foreach (var chunk in keys.Chunk(MaxKeysPerBatchGet))
        {
            List<Dictionary<string, AttributeValue>> pending = [.. chunk];
            for (var attempt = 0; pending.Count > 0; attempt++)
            {
                var response = await client.BatchGetItemAsync(new BatchGetItemRequest
                {
                    RequestItems = new Dictionary<string, KeysAndAttributes> { [tableName] = new() { Keys = pending, ConsistentRead = true } },
                }, cancellationToken);
                found.AddRange(response.Responses?.GetValueOrDefault(tableName) ?? []);
                pending = response.UnprocessedKeys?.GetValueOrDefault(tableName)?.Keys ?? [];
                if (pending.Count > 0)
                {
                    if (attempt >= MaxRetries)
                    {
                        throw new InvalidOperationException($"DynamoDB left {pending.Count} {what} unread after {attempt + 1} tries");
                    }

                    await BackOffAsync(attempt, cancellationToken);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// Creates the table <paramref name="definition"/> describes (unless it exists) and waits until it and its indexes
    /// are active: for emulators and tests; deployed tables come from the CDK stack.
    /// </summary>
    public static async Task EnsureTableAsync(IAmazonDynamoDB client, CreateTableRequest definition, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(definition);
        try
        {
            await client.CreateTableAsync(definition, cancellationToken);
        }
        catch (ResourceInUseException)
        {
            // Already there.
        }

        for (var attempt = 0; attempt < 600; attempt++)
        {
            var table = (await client.DescribeTableAsync(definition.TableName, cancellationToken)).Table;
            if (table.TableStatus == TableStatus.ACTIVE && (table.GlobalSecondaryIndexes ?? []).All(i => i.IndexStatus == IndexStatus.ACTIVE))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        throw new TimeoutException($"table {definition.TableName} did not become active within a minute");
    }
}
