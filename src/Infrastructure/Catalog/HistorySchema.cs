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

    /// <summary>The global secondary index (<see cref="BucketAttribute"/>, <see cref="SizeAttribute"/>) that serves the maximum.</summary>
    public const string SizeIndexName = "GSI_SizeByBucket";
}
