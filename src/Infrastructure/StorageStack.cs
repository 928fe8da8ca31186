using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.S3;
using Constructs;
using DynamoAttribute = Amazon.CDK.AWS.DynamoDB.Attribute;

namespace Assignment3.Infrastructure;

/// <summary>
/// The stateful half: the tracked data bucket (EventBridge notifications on), the plot bucket, and the history table
/// with its by-size index. Deployed first; destroyed with everything in it (the workflow ends with <c>cdk destroy</c>).
/// </summary>
public sealed class StorageStack : Stack
{
    /// <summary>The index that serves the historical maximum in one Query.</summary>
    public const string SizeIndexName = "GSI_SizeByBucket";

    /// <summary>Creates the buckets and the table.</summary>
    public StorageStack(Construct scope, string id, IStackProps? props = null)
        : base(scope, id, props)
    {
        DataBucket = SecureBucket("DataBucket", eventBridge: true);
        PlotBucket = SecureBucket("PlotBucket", eventBridge: false);

        History = new Table(this, "SizeHistoryTable", new TableProps
        {
            PartitionKey = new DynamoAttribute { Name = "bucket_name", Type = AttributeType.STRING },
            SortKey = new DynamoAttribute { Name = "time", Type = AttributeType.NUMBER },
            BillingMode = BillingMode.PAY_PER_REQUEST,
            PointInTimeRecoverySpecification = new PointInTimeRecoverySpecification { PointInTimeRecoveryEnabled = true },
            Encryption = TableEncryption.AWS_MANAGED,
            // Idempotency markers of processed events expire by themselves.
            TimeToLiveAttribute = "expires_at",
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        History.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = SizeIndexName,
            PartitionKey = new DynamoAttribute { Name = "bucket_name", Type = AttributeType.STRING },
            SortKey = new DynamoAttribute { Name = "total_size", Type = AttributeType.NUMBER },
            ProjectionType = ProjectionType.ALL,
        });

        _ = new CfnOutput(this, "DataBucketName", new CfnOutputProps { Value = DataBucket.BucketName, Description = "The tracked bucket" });
        _ = new CfnOutput(this, "PlotBucketName", new CfnOutputProps { Value = PlotBucket.BucketName, Description = "Where charts are stored" });
        _ = new CfnOutput(this, "TableName", new CfnOutputProps { Value = History.TableName, Description = "The size history table" });
    }

    /// <summary>The tracked bucket; every object change goes to EventBridge.</summary>
    public Bucket DataBucket { get; }

    /// <summary>The bucket that receives the charts.</summary>
    public Bucket PlotBucket { get; }

    /// <summary>The size history: <c>bucket_name</c> (S) + <c>time</c> (N), index <see cref="SizeIndexName"/>.</summary>
    public Table History { get; }

    private Bucket SecureBucket(string id, bool eventBridge) => new(this, id, new BucketProps
    {
        EventBridgeEnabled = eventBridge,
        BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
        Encryption = BucketEncryption.S3_MANAGED,
        EnforceSSL = true,
        ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
        RemovalPolicy = RemovalPolicy.DESTROY,
        AutoDeleteObjects = true,
    });
}
