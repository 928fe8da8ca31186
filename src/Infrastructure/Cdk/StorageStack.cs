using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.S3;
using Assignment3.Catalog;
using Constructs;
using DynamoAttribute = Amazon.CDK.AWS.DynamoDB.Attribute;

namespace Assignment3.Infrastructure;

/// <summary>
/// The stateful half: the tracked data bucket (EventBridge notifications on), the plot bucket, the history table with its
/// by-size index, and incremental tracking's object state table. Deployed first; destroyed with everything in it (the
/// workflow ends with <c>cdk destroy</c>).
/// </summary>
public sealed class StorageStack : Stack
{
    /// <summary>Creates the buckets and the tables.</summary>
    public StorageStack(Construct scope, string id, IStackProps? props = null)
        : base(scope, id, props)
    {
        var nag = new NagSuppressions();
        // Server access logs of both buckets go here. It is locked down like them; it logs nothing itself. It outlives
        // the stack: S3 delivers access logs best-effort, up to hours late, so a log could land after a destroy's
        // custom resource emptied the bucket and fail the bucket's deletion, and with it the whole destroy. Kept, it
        // empties itself by its lifecycle rule; docs/deploy.md says how to delete it afterwards.
        AccessLogBucket = new Bucket(this, "AccessLogBucket", new BucketProps
        {
            BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
            // S3 log delivery writes only to buckets with S3-managed keys.
            Encryption = BucketEncryption.S3_MANAGED,
            EnforceSSL = true,
            ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
            LifecycleRules = [new LifecycleRule { Expiration = Duration.Days(90) }],
            RemovalPolicy = RemovalPolicy.RETAIN,
        });
        // cdk-nag recognises a log destination and does not ask it to log itself.

        DataBucket = SecureBucket("DataBucket", "data-bucket/");
        PlotBucket = SecureBucket("PlotBucket", "plot-bucket/");
        // The kept log bucket keeps its policy too (TLS only; S3's log delivery from these two buckets alone).
        AccessLogBucket.Policy?.ApplyRemovalPolicy(RemovalPolicy.RETAIN);
        // Object events go to EventBridge through the bucket's own notification setting, which CloudFormation
        // supports natively; the L2 property would add a custom-resource Lambda function to set it instead.
        ((CfnBucket)DataBucket.Node.DefaultChild!).NotificationConfiguration = new CfnBucket.NotificationConfigurationProperty
        {
            EventBridgeConfiguration = new CfnBucket.EventBridgeConfigurationProperty { EventBridgeEnabled = true },
        };

        History = ProtectedTable("SizeHistoryTable",
            new DynamoAttribute { Name = HistorySchema.BucketAttribute, Type = AttributeType.STRING },
            new DynamoAttribute { Name = HistorySchema.TimeAttribute, Type = AttributeType.NUMBER },
            // Idempotency markers of processed events expire by themselves.
            timeToLiveAttribute: HistorySchema.ExpiresAttribute);
        History.AddGlobalSecondaryIndex(new GlobalSecondaryIndexProps
        {
            IndexName = HistorySchema.SizeIndexName,
            PartitionKey = new DynamoAttribute { Name = HistorySchema.BucketAttribute, Type = AttributeType.STRING },
            SortKey = new DynamoAttribute { Name = HistorySchema.SizeAttribute, Type = AttributeType.NUMBER },
            ProjectionType = ProjectionType.ALL,
        });

        // Incremental tracking's object states and bucket totals. Always there, whichever mode the Lambda stack deploys: an
        // idle on-demand table costs nothing, and switching modes then never creates or deletes stored data.
        ObjectStates = ProtectedTable("ObjectStateTable",
            new DynamoAttribute { Name = ObjectStateSchema.PartitionAttribute, Type = AttributeType.STRING },
            new DynamoAttribute { Name = ObjectStateSchema.KeyAttribute, Type = AttributeType.STRING });
        // Exported whether or not the Lambda stack uses them (listing mode does not): CloudFormation refuses to delete an
        // export another stack imports, so an export that came and went with the mode would fail the deploy that
        // switches incremental off (the storage stack deploys first).
        ExportValue(ObjectStates.TableName);
        ExportValue(ObjectStates.TableArn);

        // The CDK's own deploy-time function that empties the buckets on destroy.
        foreach (var resource in NagSuppressions.ResourcesUnder(this, "Custom::S3AutoDeleteObjectsCustomResourceProvider"))
        {
            if (resource.CfnResourceType == "AWS::IAM::Role")
            {
                nag.Add(resource, "AwsSolutions-IAM4",
                    "The CDK's auto-delete provider role; AWSLambdaBasicExecutionRole only lets it write its own logs during deploy and destroy.",
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
            }
            else if (resource.CfnResourceType == "AWS::Lambda::Function")
            {
                nag.Add(resource, "Serverless-LambdaDLQ",
                    "The CDK's auto-delete handler runs only as a CloudFormation custom resource, which waits for it and reports its failure; there is no event to park.");
                nag.Add(resource, "Serverless-LambdaTracing",
                    "The CDK's auto-delete handler runs once per deploy or destroy; CloudFormation's events show its outcome, tracing would add nothing.");
            }
        }

        _ = new CfnOutput(this, "DataBucketName", new CfnOutputProps { Value = DataBucket.BucketName, Description = "The tracked bucket" });
        _ = new CfnOutput(this, "PlotBucketName", new CfnOutputProps { Value = PlotBucket.BucketName, Description = "Where charts are stored" });
        _ = new CfnOutput(this, "AccessLogBucketName", new CfnOutputProps { Value = AccessLogBucket.BucketName, Description = "Server access logs; kept after destroy, empties itself in 90 days" });
        _ = new CfnOutput(this, "TableName", new CfnOutputProps { Value = History.TableName, Description = "The size history table" });
        _ = new CfnOutput(this, "ObjectStateTableName", new CfnOutputProps { Value = ObjectStates.TableName, Description = "Incremental tracking's object states and totals" });
    }

    /// <summary>Receives the server access logs of the data and plot buckets (kept 90 days).</summary>
    public Bucket AccessLogBucket { get; }

    /// <summary>The tracked bucket; every object change goes to EventBridge.</summary>
    public Bucket DataBucket { get; }

    /// <summary>The bucket that receives the charts.</summary>
    public Bucket PlotBucket { get; }

    /// <summary>The size history: <see cref="HistorySchema"/>.</summary>
    public Table History { get; }

    /// <summary>Incremental tracking's object states and bucket totals: <see cref="ObjectStateSchema"/>.</summary>
    public Table ObjectStates { get; }

    // Every table alike, so that a protection given one is given both: on demand, encrypted (the AWS managed KMS key),
    // point-in-time recovery, removed with the stack (the workflow ends with a destroy).
    private Table ProtectedTable(string id, DynamoAttribute partitionKey, DynamoAttribute sortKey, string? timeToLiveAttribute = null) => new(this, id, new TableProps
    {
        PartitionKey = partitionKey,
        SortKey = sortKey,
        BillingMode = BillingMode.PAY_PER_REQUEST,
        PointInTimeRecoverySpecification = new PointInTimeRecoverySpecification { PointInTimeRecoveryEnabled = true },
        Encryption = TableEncryption.AWS_MANAGED,
        TimeToLiveAttribute = timeToLiveAttribute,
        RemovalPolicy = RemovalPolicy.DESTROY,
    });

    private Bucket SecureBucket(string id, string logPrefix) => new(this, id, new BucketProps
    {
        ServerAccessLogsBucket = AccessLogBucket,
        ServerAccessLogsPrefix = logPrefix,
        BlockPublicAccess = BlockPublicAccess.BLOCK_ALL,
        Encryption = BucketEncryption.S3_MANAGED,
        EnforceSSL = true,
        ObjectOwnership = ObjectOwnership.BUCKET_OWNER_ENFORCED,
        RemovalPolicy = RemovalPolicy.DESTROY,
        AutoDeleteObjects = true,
    });
}
