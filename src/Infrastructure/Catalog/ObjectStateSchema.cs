using System.Globalization;
using System.Text;

namespace Assignment3.Catalog;

/// <summary>
/// Incremental tracking's table of object states and bucket totals, as the stack deploys it and the DynamoDB adapter and
/// the emulator tests use it. A bucket's object states are spread over <see cref="ShardCount"/> partitions by a hash of
/// the key, each sorted by key: writes of one busy bucket share the partitions' throughput, and a reconciliation reads any
/// range of keys with one strongly consistent Query per shard. The totals are one item of the bucket's own partition.
/// </summary>
public static class ObjectStateSchema
{
    /// <summary>Partition key (string): <c>&lt;bucket&gt;#&lt;shard&gt;</c> for object states, <c>&lt;bucket&gt;#totals</c> for the totals.</summary>
    public const string PartitionAttribute = "bucket_shard";

    /// <summary>Sort key (string): the object's key; <see cref="TotalsSortKey"/> for the totals item.</summary>
    public const string KeyAttribute = "object_key";

    /// <summary>
    /// Partitions per bucket: each takes 1,000 write units a second, a transactional write costs two, so 16 take some
    /// 8,000 object changes a second before DynamoDB has to split any of them. The totals item takes one transactional
    /// ADD per apply (about 500 a second), and an apply holds up to 99 changes: batching, not the shards, bounds it.
    /// </summary>
    public const int ShardCount = 16;

    /// <summary>The sort key of the totals item.</summary>
    public const string TotalsSortKey = "totals";

    /// <summary>The shard of <paramref name="key"/>: FNV-1a of its UTF-8 bytes, so every store and run agrees.</summary>
    public static int ShardOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(key))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % ShardCount);
    }

    /// <summary>The partition of <paramref name="bucketName"/>'s object states in shard <paramref name="shard"/>.</summary>
    public static string ObjectPartition(string bucketName, int shard) =>
        string.Create(CultureInfo.InvariantCulture, $"{bucketName}#{shard:D2}");

    /// <summary>The partition of <paramref name="bucketName"/>'s totals item.</summary>
    public static string TotalsPartition(string bucketName) => bucketName + "#totals";

    /// <summary>Every partition of one bucket (for IAM's <c>dynamodb:LeadingKeys</c>): they all start with <c>&lt;bucket&gt;#</c>.</summary>
    public static string PartitionPrefix(string bucketName) => bucketName + "#";

    /// <summary>An object's status (string): <c>Present</c>, <c>Deleted</c> or <c>DeletedBeforeSeen</c>.</summary>
    public const string StatusAttribute = "status";

    /// <summary>Bytes (number): an object's size, or the bucket's total in its totals item.</summary>
    public const string BytesAttribute = "bytes";

    /// <summary>The object's ETag (string), when known.</summary>
    public const string ETagAttribute = "etag";

    /// <summary>The object's current version id (string), in a versioned bucket.</summary>
    public const string VersionIdAttribute = "version_id";

    /// <summary>The sequencer of the newest event applied (string), when one was given.</summary>
    public const string SequencerAttribute = "sequencer";

    /// <summary>When a reconciliation saw the state in the bucket (number, epoch ms); absent for a state an event set.</summary>
    public const string ObservedAtAttribute = "observed_at";

    /// <summary>The writer's clock just before the state was written (number, epoch ms).</summary>
    public const string WrittenAtAttribute = "written_at";

    /// <summary>The state's revision (number): 1 for the first write, one more for each replacement.</summary>
    public const string RevisionAttribute = "revision";

    /// <summary>The bucket's present objects (number), in its totals item.</summary>
    public const string ObjectsAttribute = "objects";

    /// <summary>Deletes of keys never seen (number), in the totals item: left for a reconciliation to confirm.</summary>
    public const string UnconfirmedDeletesAttribute = "unconfirmed_deletes";

    /// <summary>When the last complete reconciliation began (number, epoch ms), in the totals item.</summary>
    public const string ReconciledAtAttribute = "reconciled_at";

    /// <summary>The last key an unfinished reconciliation reached (string), in the totals item; absent when none is under way.</summary>
    public const string ResumeAfterAttribute = "resume_after";
}

/// <summary>
/// The DynamoDB actions the object state store needs on its table, as IAM names them: the stack grants this set (limited
/// to the tracked bucket's partitions, which all start <see cref="ObjectStateSchema.PartitionPrefix"/>), and an emulator
/// test checks every request the store sends against it.
/// </summary>
public static class ObjectStateAccess
{
    /// <summary>
    /// Tracking and reconciling: a batch's keys are read with <c>BatchGetItem</c>, a listing page's range with one
    /// <c>Query</c> per shard, the totals and the reconciliation mark with <c>GetItem</c>; an apply is one
    /// <c>TransactWriteItems</c> that puts the states (<c>PutItem</c> per item) and adds to the totals (<c>UpdateItem</c>);
    /// the reconciliation mark is set with <c>UpdateItem</c>.
    /// </summary>
    public static IReadOnlyList<string> Track { get; } = ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem"];
}
