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

    /// <summary>
    /// Incremental tracking keeps each object's state in an item of its own partition, <c>object#&lt;bucket&gt;#&lt;key&gt;</c>,
    /// time 0: a partition per key, so no key is a hot item; the bucket name never contains <c>#</c>, so no bucket's
    /// records or summaries share these keys (the object key may: it is everything after the second <c>#</c>).
    /// </summary>
    public const string ObjectPartitionPrefix = "object#";

    /// <summary>Each bucket's running totals (incremental tracking): one item, <c>totals#&lt;bucket&gt;</c>, time 0.</summary>
    public const string TotalsPartitionPrefix = "totals#";

    /// <summary>The partition key of the state of <paramref name="bucketName"/>'s object <paramref name="key"/>.</summary>
    public static string ObjectPartition(string bucketName, string key) => $"{ObjectPartitionPrefix}{bucketName}#{key}";

    /// <summary>The partition key of <paramref name="bucketName"/>'s running totals.</summary>
    public static string TotalsPartition(string bucketName) => TotalsPartitionPrefix + bucketName;

    // The attributes of object and totals items. None is named like the index's key (total_size), so none of these items
    // enters GSI_SizeByBucket; none is the TTL attribute, so none expires.

    /// <summary>An object's status (string): <c>Present</c>, <c>Deleted</c> or <c>DeletedBeforeSeen</c>.</summary>
    public const string ObjectStatusAttribute = "status";

    /// <summary>Bytes (number): an object's size, or the bucket's total in its totals item.</summary>
    public const string BytesAttribute = "bytes";

    /// <summary>The object's ETag (string), when known; absent otherwise.</summary>
    public const string ETagAttribute = "etag";

    /// <summary>The object's current version id (string), in a versioned bucket; absent otherwise.</summary>
    public const string VersionIdAttribute = "version_id";

    /// <summary>The sequencer of the newest event applied to the object (string); absent when none was given.</summary>
    public const string SequencerAttribute = "sequencer";

    /// <summary>The object state's revision (number): 1 for the first write, one more for each replacement.</summary>
    public const string RevisionAttribute = "revision";

    /// <summary>The bucket's present objects (number), in its totals item.</summary>
    public const string ObjectsAttribute = "objects";

    /// <summary>Deletes of keys never seen (number), in the bucket's totals item: left for a reconciliation to confirm.</summary>
    public const string UnconfirmedDeletesAttribute = "unconfirmed_deletes";
}

/// <summary>
/// The DynamoDB actions the history adapter's operations need, as IAM names them; the stack grants these sets, and an
/// emulator test checks every request the adapter sends against them.
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
    /// Incremental tracking's object states and totals: the batch's keys are read with <c>BatchGetItem</c>, the totals
    /// with <c>GetItem</c>; one <c>TransactWriteItems</c> puts the changed states (<c>PutItem</c> per item) and adds the
    /// delta to the totals (an Update: <c>UpdateItem</c>).
    /// </summary>
    public static IReadOnlyList<string> TrackObjects { get; } = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"];

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
