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
