using Amazon.CDK.Assertions;
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
                    ("IndexName", "GSI_SizeByBucket"),
                    ("KeySchema", new object[]
                    {
                        Props(("AttributeName", "bucket_name"), ("KeyType", "HASH")),
                        Props(("AttributeName", "total_size"), ("KeyType", "RANGE")),
                    }))),
            }))));
    }

    [Fact]
    public void Only_the_data_bucket_sends_its_events_to_eventbridge()
    {
        var notifications = Resources(Storage, "Custom::S3BucketNotifications").ToList();

        var only = Assert.Single(notifications).Resource;
        Assert.NotNull(only["Properties"]!["NotificationConfiguration"]!["EventBridgeConfiguration"]);
        Assert.StartsWith("DataBucket", (string)only["Properties"]!["BucketName"]!["Ref"]!, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_buckets_block_public_access_and_are_encrypted()
    {
        Storage.ResourceCountIs("AWS::S3::Bucket", 2);
        Storage.AllResourcesProperties("AWS::S3::Bucket", Match.ObjectLike(Props(
            ("PublicAccessBlockConfiguration", Props(
                ("BlockPublicAcls", true), ("BlockPublicPolicy", true), ("IgnorePublicAcls", true), ("RestrictPublicBuckets", true))),
            ("BucketEncryption", Match.ObjectLike(Props(("ServerSideEncryptionConfiguration", Match.AnyValue())))))));
    }

    [Fact]
    public void Both_buckets_refuse_requests_without_tls()
    {
        var policies = Resources(Storage, "AWS::S3::BucketPolicy").ToList();

        Assert.Equal(2, policies.Count);
        Assert.All(policies, p => Assert.Contains(p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray(), s =>
            (string?)s!["Effect"] == "Deny" && (string?)s["Condition"]?["Bool"]?["aws:SecureTransport"] == "false"));
    }

    [Fact]
    public void Destroy_removes_the_buckets_with_their_objects_and_the_table()
    {
        Storage.AllResources("AWS::S3::Bucket", Match.ObjectLike(Props(("DeletionPolicy", "Delete"))));
        Storage.ResourceCountIs("Custom::S3AutoDeleteObjects", 2);
        Storage.HasResource("AWS::DynamoDB::Table", Match.ObjectLike(Props(("DeletionPolicy", "Delete"))));
    }

    [Fact]
    public void Outputs_name_the_buckets_and_the_table()
    {
        foreach (var output in new[] { "DataBucketName", "PlotBucketName", "TableName" })
        {
            Storage.HasOutput(output, Match.AnyValue());
        }
    }
}
