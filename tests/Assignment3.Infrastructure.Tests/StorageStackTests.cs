using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Assignment3.Adapters.Aws;
using Assignment3.Catalog;
using static Assignment3.Infrastructure.Tests.SynthesizedApp;

namespace Assignment3.Infrastructure.Tests;

public sealed class StorageStackTests
{
    [Fact]
    public void The_table_is_keyed_bucket_name_and_time_on_demand_with_point_in_time_recovery()
    {
        Storage.HasResourceProperties("AWS::DynamoDB::Table", Match.ObjectLike(Props(
            ("KeySchema", new object[]
            {
                Props(("AttributeName", "bucket_name"), ("KeyType", "HASH")),
                Props(("AttributeName", "time"), ("KeyType", "RANGE")),
            }),
            ("BillingMode", "PAY_PER_REQUEST"),
            ("PointInTimeRecoverySpecification", Props(("PointInTimeRecoveryEnabled", true))),
            ("TimeToLiveSpecification", Props(("AttributeName", "expires_at"), ("Enabled", true))))));
    }

    [Fact]
    public void The_size_index_is_keyed_bucket_name_and_numeric_total_size()
    {
        Storage.HasResourceProperties("AWS::DynamoDB::Table", Match.ObjectLike(Props(
            ("AttributeDefinitions", Match.ArrayWith([Props(("AttributeName", "total_size"), ("AttributeType", "N"))])),
            ("GlobalSecondaryIndexes", new object[]
            {
                Match.ObjectLike(Props(
                    ("IndexName", HistorySchema.SizeIndexName),
                    ("KeySchema", new object[]
                    {
                        Props(("AttributeName", "bucket_name"), ("KeyType", "HASH")),
                        Props(("AttributeName", "total_size"), ("KeyType", "RANGE")),
                    }))),
            }))));
    }

    private static JsonNode Table(string idPrefix) =>
        Resources(Storage, "AWS::DynamoDB::Table").Single(t => t.Id.StartsWith(idPrefix, StringComparison.Ordinal)).Resource["Properties"]!;

    public static TheoryData<string> Tables() => ["SizeHistoryTable", "ObjectStateTable"];

    /// <summary>Each deployed table is the one the emulator tests create (keys, attribute types, billing, indexes).</summary>
    [Theory]
    [MemberData(nameof(Tables))]
    public void The_deployed_table_is_the_one_the_emulator_tests_create(string table)
    {
        var created = table == "SizeHistoryTable"
            ? DynamoDbHistoryRepository.TableDefinition("any", HistorySchema.SizeIndexName)
            : DynamoDbObjectStateStore.TableDefinition("any");
        var deployed = Table(table);
        static string[] Keys(IEnumerable<(string Name, string Type)> keys) => [.. keys.Select(k => $"{k.Name}:{k.Type}")];

        Assert.Equal(Keys(created.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value))),
            Keys(deployed["KeySchema"]!.AsArray().Select(k => ((string)k!["AttributeName"]!, (string)k["KeyType"]!))));
        Assert.Equal(Keys(created.AttributeDefinitions.Select(a => (a.AttributeName, a.AttributeType.Value)).Order()),
            Keys(deployed["AttributeDefinitions"]!.AsArray().Select(a => ((string)a!["AttributeName"]!, (string)a["AttributeType"]!)).Order()));
        Assert.Equal(created.BillingMode.Value, (string?)deployed["BillingMode"]);
        var createdIndexes = created.GlobalSecondaryIndexes ?? [];
        var deployedIndexes = deployed["GlobalSecondaryIndexes"]?.AsArray() ?? [];
        Assert.Equal(createdIndexes.Count, deployedIndexes.Count);
        foreach (var (createdIndex, deployedIndex) in createdIndexes.Zip(deployedIndexes))
        {
            Assert.Equal(createdIndex.IndexName, (string?)deployedIndex!["IndexName"]);
            Assert.Equal(Keys(createdIndex.KeySchema.Select(k => (k.AttributeName, k.KeyType.Value))),
                Keys(deployedIndex["KeySchema"]!.AsArray().Select(k => ((string)k!["AttributeName"]!, (string)k["KeyType"]!))));
            Assert.Equal(createdIndex.Projection.ProjectionType.Value, (string?)deployedIndex["Projection"]!["ProjectionType"]);
        }
    }

    [Fact]
    public void The_object_state_table_is_keyed_bucket_shard_and_object_key_as_the_catalog_says()
    {
        Assert.Equal($"{ObjectStateSchema.PartitionAttribute}:HASH {ObjectStateSchema.KeyAttribute}:RANGE",
            string.Join(' ', Table("ObjectStateTable")["KeySchema"]!.AsArray().Select(k => $"{k!["AttributeName"]}:{k["KeyType"]}")));
        // Nothing in it expires, and nothing is indexed besides its key.
        Assert.Null(Table("ObjectStateTable")["TimeToLiveSpecification"]);
        Assert.Null(Table("ObjectStateTable")["GlobalSecondaryIndexes"]);
    }

    [Fact]
    public void Both_tables_are_on_demand_encrypted_recoverable_to_a_point_in_time_and_removed_on_destroy()
    {
        Storage.ResourceCountIs("AWS::DynamoDB::Table", 2);
        Storage.AllResources("AWS::DynamoDB::Table", Match.ObjectLike(Props(
            ("DeletionPolicy", "Delete"),
            ("UpdateReplacePolicy", "Delete"),
            ("Properties", Match.ObjectLike(Props(
                ("BillingMode", "PAY_PER_REQUEST"),
                ("SSESpecification", Props(("SSEEnabled", true))),
                ("PointInTimeRecoverySpecification", Props(("PointInTimeRecoveryEnabled", true)))))))));
    }

    /// <summary>
    /// The object state table's name and ARN are exported even when the Lambda stack does not import them (listing
    /// mode): an export that disappeared with the mode would fail the storage stack's deploy while the Lambda stack
    /// still imports it.
    /// </summary>
    [Fact]
    public void The_object_state_tables_name_and_arn_are_exported_whatever_the_tracking_mode()
    {
        var id = Resources(Storage, "AWS::DynamoDB::Table").Single(t => t.Id.StartsWith("ObjectStateTable", StringComparison.Ordinal)).Id;
        var exported = Json(Storage)["Outputs"]!.AsObject().Where(o => o.Value!["Export"] is not null).Select(o => o.Value!["Value"]!.ToJsonString()).ToList();

        Assert.Contains($$"""{"Ref":"{{id}}"}""", exported);
        Assert.Contains($$"""{"Fn::GetAtt":["{{id}}","Arn"]}""", exported);
        Assert.DoesNotContain("ObjectStateTable", Json(Lambda).ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_the_data_bucket_sends_its_events_to_eventbridge_natively_without_a_custom_resource()
    {
        var notifying = Resources(Storage, "AWS::S3::Bucket")
            .Where(b => b.Resource["Properties"]!["NotificationConfiguration"]?["EventBridgeConfiguration"]?["EventBridgeEnabled"] is { } on && (bool)on)
            .ToList();

        Assert.StartsWith("DataBucket", Assert.Single(notifying).Id, StringComparison.Ordinal);
        Storage.ResourceCountIs("Custom::S3BucketNotifications", 0);
    }

    [Fact]
    public void Both_buckets_log_server_access_to_a_locked_down_log_bucket()
    {
        var (logId, logBucket) = Resources(Storage, "AWS::S3::Bucket").Single(b => b.Id.StartsWith("AccessLogBucket", StringComparison.Ordinal));

        foreach (var (name, prefix) in new[] { ("DataBucket", "data-bucket/"), ("PlotBucket", "plot-bucket/") })
        {
            var bucket = Resources(Storage, "AWS::S3::Bucket").Single(b => b.Id.StartsWith(name, StringComparison.Ordinal)).Resource;
            var logging = bucket["Properties"]!["LoggingConfiguration"]!;
            Assert.Equal(logId, (string?)logging["DestinationBucketName"]!["Ref"]);
            Assert.Equal(prefix, (string?)logging["LogFilePrefix"]);
        }

        Assert.Null(logBucket["Properties"]!["LoggingConfiguration"]);
        Assert.Equal(90, (int)logBucket["Properties"]!["LifecycleConfiguration"]!["Rules"]![0]!["ExpirationInDays"]!);
        var policy = Resources(Storage, "AWS::S3::BucketPolicy").Single(p => (string?)p.Resource["Properties"]!["Bucket"]!["Ref"] == logId).Resource;
        Assert.Contains(policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray(),
            s => s!["Principal"]?["Service"]?.ToString() == "logging.s3.amazonaws.com" && (string?)s["Effect"] == "Allow");
    }

    [Fact]
    public void Every_bucket_blocks_public_access_and_is_encrypted()
    {
        Storage.ResourceCountIs("AWS::S3::Bucket", 3);
        Storage.AllResourcesProperties("AWS::S3::Bucket", Match.ObjectLike(Props(
            ("PublicAccessBlockConfiguration", Props(
                ("BlockPublicAcls", true), ("BlockPublicPolicy", true), ("IgnorePublicAcls", true), ("RestrictPublicBuckets", true))),
            ("BucketEncryption", Match.ObjectLike(Props(("ServerSideEncryptionConfiguration", Match.AnyValue())))))));
    }

    [Fact]
    public void Every_bucket_refuses_requests_without_tls()
    {
        var policies = Resources(Storage, "AWS::S3::BucketPolicy").ToList();

        Assert.Equal(3, policies.Count);
        Assert.All(policies, p => Assert.Contains(p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray(), s =>
            (string?)s!["Effect"] == "Deny" && (string?)s["Condition"]?["Bool"]?["aws:SecureTransport"] == "false"));
    }

    [Fact]
    public void Destroy_removes_the_data_and_plot_buckets_with_their_objects_and_the_tables_and_keeps_the_access_logs()
    {
        var buckets = Resources(Storage, "AWS::S3::Bucket").ToDictionary(b => b.Id[..b.Id.IndexOf("Bucket", StringComparison.Ordinal)], b => b.Resource);

        Assert.Equal(("Delete", "Delete"), ((string?)buckets["Data"]["DeletionPolicy"], (string?)buckets["Plot"]["DeletionPolicy"]));
        // Access logs arrive best-effort, up to hours late: a bucket emptied and deleted at destroy could refuse its
        // deletion and fail the destroy. It stays, and empties itself.
        Assert.Equal(("Retain", "Retain"), ((string?)buckets["AccessLog"]["DeletionPolicy"], (string?)buckets["AccessLog"]["UpdateReplacePolicy"]));
        var logPolicy = Resources(Storage, "AWS::S3::BucketPolicy").Single(p => (string?)p.Resource["Properties"]!["Bucket"]!["Ref"] == StorageId("AccessLogBucket")).Resource;
        Assert.Equal("Retain", (string?)logPolicy["DeletionPolicy"]); // kept with its TLS rule and log-delivery grant
        var emptied = Resources(Storage, "Custom::S3AutoDeleteObjects").Select(r => (string?)r.Resource["Properties"]!["BucketName"]!["Ref"]).Order(StringComparer.Ordinal);
        Assert.Equal(Resources(Storage, "AWS::S3::Bucket").Where(b => !b.Id.StartsWith("AccessLog", StringComparison.Ordinal)).Select(b => (string?)b.Id).Order(StringComparer.Ordinal), emptied);
        Storage.AllResources("AWS::DynamoDB::Table", Match.ObjectLike(Props(("DeletionPolicy", "Delete"))));
    }

    private static string StorageId(string prefix) =>
        Resources(Storage, "AWS::S3::Bucket").Single(b => b.Id.StartsWith(prefix, StringComparison.Ordinal)).Id;

    [Fact]
    public void Outputs_name_the_buckets_and_the_tables_each_its_own()
    {
        var outputs = Json(Storage)["Outputs"]!.AsObject();
        var bucketIds = Resources(Storage, "AWS::S3::Bucket").ToDictionary(b => b.Id[..b.Id.IndexOf("Bucket", StringComparison.Ordinal)], b => b.Id);
        var tableIds = Resources(Storage, "AWS::DynamoDB::Table").ToDictionary(t => t.Id[..t.Id.IndexOf("Table", StringComparison.Ordinal)], t => t.Id);

        Assert.Equal(bucketIds["Data"], (string?)outputs["DataBucketName"]!["Value"]!["Ref"]);
        Assert.Equal(bucketIds["Plot"], (string?)outputs["PlotBucketName"]!["Value"]!["Ref"]);
        Assert.Equal(bucketIds["AccessLog"], (string?)outputs["AccessLogBucketName"]!["Value"]!["Ref"]);
        Assert.Equal(tableIds["SizeHistory"], (string?)outputs["TableName"]!["Value"]!["Ref"]);
        Assert.Equal(tableIds["ObjectState"], (string?)outputs["ObjectStateTableName"]!["Value"]!["Ref"]);
    }
}
