using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Assignment3.Catalog;
using static Assignment3.Infrastructure.Tests.SynthesizedApp;

namespace Assignment3.Infrastructure.Tests;

public sealed class MonitoringTests
{
    private static JsonObject AlarmNamed(string name) =>
        Resources(Lambda, "AWS::CloudWatch::Alarm").Single(a => (string?)a.Resource["Properties"]!["AlarmName"] == $"assignment3-{name}").Resource["Properties"]!.AsObject();

    private static string TopicId => Resources(Lambda, "AWS::SNS::Topic").Single().Id;

    private static string FunctionId(string name) =>
        Resources(Lambda, "AWS::Lambda::Function").Single(f => (string?)f.Resource["Properties"]!["FunctionName"] == $"assignment3-{name}").Id;

    private static void AssertNotifies(JsonObject alarm)
    {
        Assert.Equal(TopicId, (string?)alarm["AlarmActions"]![0]!["Ref"]);
        Assert.Equal(TopicId, (string?)alarm["OKActions"]![0]!["Ref"]);
        Assert.Equal("GreaterThanOrEqualToThreshold", (string?)alarm["ComparisonOperator"]);
        Assert.Equal("notBreaching", (string?)alarm["TreatMissingData"]);
        Assert.Equal(1, (int)alarm["EvaluationPeriods"]!);
    }

    [Theory]
    [InlineData("size-tracking-failed-events-parked", "SizeTrackingFailedEvents")]
    [InlineData("undeliverable-object-events-parked", "UndeliverableObjectEvents")]
    public void Any_parked_event_raises_an_alarm(string alarm, string queue)
    {
        var properties = AlarmNamed(alarm);

        Assert.Equal("ApproximateNumberOfMessagesVisible", (string?)properties["MetricName"]);
        Assert.Equal("AWS/SQS", (string?)properties["Namespace"]);
        Assert.Contains(queue, properties["Dimensions"]![0]!["Value"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(1, (double)properties["Threshold"]!);
        AssertNotifies(properties);
    }

    [Theory]
    [InlineData("size-tracking", "errors", "Errors", "Sum", 1)]
    [InlineData("plotting", "errors", "Errors", "Sum", 1)]
    [InlineData("driver", "errors", "Errors", "Sum", 1)]
    [InlineData("size-tracking", "throttles", "Throttles", "Sum", 1)]
    [InlineData("plotting", "throttles", "Throttles", "Sum", 1)]
    [InlineData("driver", "throttles", "Throttles", "Sum", 1)]
    [InlineData("size-tracking", "near-timeout", "Duration", "Maximum", 48_000)] // 80 % of 60 s
    [InlineData("plotting", "near-timeout", "Duration", "Maximum", 23_200)] // 80 % of 29 s
    [InlineData("driver", "near-timeout", "Duration", "Maximum", 144_000)] // 80 % of 180 s
    public void Each_function_alarms_on_errors_throttles_and_a_duration_near_its_timeout(string function, string kind, string metric, string statistic, double threshold)
    {
        var properties = AlarmNamed($"{function}-{kind}");

        Assert.Equal(metric, (string?)properties["MetricName"]);
        Assert.Equal("AWS/Lambda", (string?)properties["Namespace"]);
        Assert.Equal(statistic, (string?)properties["Statistic"]);
        Assert.Equal(FunctionId(function), (string?)properties["Dimensions"]![0]!["Value"]!["Ref"]);
        Assert.Equal(threshold, (double)properties["Threshold"]!, 3);
        AssertNotifies(properties);
    }

    [Fact]
    public void Server_errors_of_the_plot_api_raise_an_alarm()
    {
        var properties = AlarmNamed("plot-api-5xx");

        Assert.Equal("5XXError", (string?)properties["MetricName"]);
        Assert.Equal("AWS/ApiGateway", (string?)properties["Namespace"]);
        Assert.Equal(1, (double)properties["Threshold"]!);
        AssertNotifies(properties);
    }

    [Fact]
    public void The_alarm_topic_refuses_plain_http_and_alarms_are_the_only_ones()
    {
        Assert.Equal(12, Resources(Lambda, "AWS::CloudWatch::Alarm").Count());
        var policy = Resources(Lambda, "AWS::SNS::TopicPolicy").Single().Resource;
        var statements = policy["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray();
        Assert.Contains(statements, s => (string?)s!["Effect"] == "Deny" && (string?)s["Condition"]?["Bool"]?["aws:SecureTransport"] == "false");
    }

    [Fact]
    public void The_topic_policy_lets_this_systems_alarms_publish()
    {
        // A topic policy replaces the default one: without an Allow for CloudWatch, no alarm would ever notify.
        var statements = Resources(Lambda, "AWS::SNS::TopicPolicy").Single().Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray();

        var allow = Assert.Single(statements, s => (string?)s!["Effect"] == "Allow")!;
        Assert.Equal("cloudwatch.amazonaws.com", (string?)allow["Principal"]!["Service"]);
        Assert.Equal("sns:Publish", (string?)allow["Action"]);
        Assert.Contains(":alarm:assignment3-*", allow["Condition"]!["ArnLike"]!["aws:SourceArn"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(allow["Condition"]!["StringEquals"]!["aws:SourceAccount"]);
    }

    [Fact]
    public void The_dashboard_shows_the_bucket_metrics_functions_queues_and_api()
    {
        var body = Resources(Lambda, "AWS::CloudWatch::Dashboard").Single().Resource["Properties"]!["DashboardBody"]!.ToJsonString();

        foreach (var expected in new[]
        {
            MetricNames.Namespace, MetricNames.BucketSize, MetricNames.ObjectCount, MetricNames.ChartRenderTime,
            MetricNames.BucketDimension, "Invocations", "Errors", "Duration", "ApproximateNumberOfMessagesVisible",
            "4XXError", "5XXError", "Latency",
        })
        {
            Assert.Contains(expected, body, StringComparison.Ordinal);
        }

        Lambda.HasResourceProperties("AWS::CloudWatch::Dashboard", Match.ObjectLike(new Dictionary<string, object> { ["DashboardName"] = "assignment3" }));
    }
}
