namespace Assignment3.Catalog;

/// <summary>
/// The size history's table, as every store keeps it: the CDK stack deploys it, the DynamoDB adapter and the emulator
/// tests create and query it, the SQLite store mirrors it. A test ties the synthesized table to the one the tests create.
/// </summary>
public static class HistorySchema
{
    /// <summary>Partition key (string): the bucket's name.</summary>
    public const string BucketAttribute = "bucket_name";

    /// <summary>Sort key (number): the record's time in Unix epoch milliseconds.</summary>
    public const string TimeAttribute = "time";

    /// <summary>The bucket's total size in bytes (number); the by-size index's sort key.</summary>
    public const string SizeAttribute = "total_size";

    /// <summary>The bucket's object count (number).</summary>
    public const string CountAttribute = "object_cnt";

    /// <summary>The TTL attribute (number, epoch seconds): only idempotency markers carry it.</summary>
    public const string ExpiresAttribute = "expires_at";

    /// <summary>
    /// Partition keys of summary items start with this, then the slot length in seconds and the bucket:
    /// <c>summary#3600#my-bucket</c>. A bucket name never contains <c>#</c>, so no bucket's records share these keys;
    /// their sort key is the slot's start (epoch ms) in <see cref="TimeAttribute"/>.
    /// </summary>
    public const string SummaryPartitionPrefix = "summary#";

    /// <summary>
    /// The slot lengths, in seconds, summaries are kept at: the domain's <c>SummaryResolutions.All</c>, which this
    /// catalog cannot reference (it holds names, not the domain); a test ties the two.
    /// </summary>
    public static IReadOnlyList<long> SummaryResolutionSeconds { get; } = [10, 60, 600, 3600, 86400];

    /// <summary>The partition key of <paramref name="bucketName"/>'s summaries at slots of <paramref name="resolutionSeconds"/>.</summary>
    public static string SummaryPartition(string bucketName, long resolutionSeconds) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{SummaryPartitionPrefix}{resolutionSeconds}#{bucketName}");

    /// <summary>
    /// Every partition a bucket's history lives in: its records' and its summaries' at each resolution. A role limited
    /// to one bucket's history is limited to these (IAM's <c>dynamodb:LeadingKeys</c>).
    /// </summary>
    public static IReadOnlyList<string> PartitionsOf(string bucketName) =>
        [bucketName, .. SummaryResolutionSeconds.Select(seconds => SummaryPartition(bucketName, seconds))];

    /// <summary>A summary's number of records (number).</summary>
    public const string ChangesAttribute = "changes";

    /// <summary>
    /// The three records a summary keeps (smallest, largest, last), each as <c>&lt;role&gt;_time</c>,
    /// <c>&lt;role&gt;_size</c> and <c>&lt;role&gt;_cnt</c>: never named like the index's key, so summaries stay out of it.
    /// </summary>
    public static readonly IReadOnlyList<string> SummaryRoles = ["min", "max", "last"];

    /// <summary>The global secondary index (<see cref="BucketAttribute"/>, <see cref="SizeAttribute"/>) that serves the maximum.</summary>
    public const string SizeIndexName = "GSI_SizeByBucket";
}

/// <summary>
/// The DynamoDB actions the history adapter's operations need, as IAM names them; the stack grants these sets, and an
/// emulator test checks every request the adapter sends against them. (Incremental tracking's table: <see cref="ObjectStateAccess"/>.)
/// </summary>
public static class HistoryAccess
{
    /// <summary>
    /// Reading records, summaries and the by-size index: every read is a <c>Query</c>.
    /// </summary>
    public static IReadOnlyList<string> Read { get; } = ["dynamodb:Query"];

    /// <summary>
    /// Appending a record: its summaries are read with <c>BatchGetItem</c>, then the record, its summaries and the event
    /// marker are written by one <c>TransactWriteItems</c> of Puts, which DynamoDB authorizes as <c>PutItem</c> per item.
    /// A repeated event's marker comes back with the cancellation, so no other read is needed.
    /// </summary>
    public static IReadOnlyList<string> Append { get; } = ["dynamodb:BatchGetItem", "dynamodb:PutItem"];

    /// <summary>
    /// The IAM actions that authorize a DynamoDB API operation: its own name, except for <c>TransactWriteItems</c>, which
    /// DynamoDB authorizes item by item (<paramref name="transactionItemKinds"/>: Put → <c>PutItem</c>, Update →
    /// <c>UpdateItem</c>, Delete → <c>DeleteItem</c>, ConditionCheck → <c>ConditionCheckItem</c>).
    /// </summary>
    public static IReadOnlyList<string> ActionsOf(string operation, IEnumerable<string> transactionItemKinds) =>
        operation == "TransactWriteItems"
            ? [.. transactionItemKinds.Select(kind => "dynamodb:" + kind + "Item").Distinct()]
            : ["dynamodb:" + operation];
}
