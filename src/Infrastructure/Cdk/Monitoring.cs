using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.CloudWatch.Actions;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.SNS;
using Amazon.CDK.AWS.SNS.Subscriptions;
using Amazon.CDK.AWS.SQS;
using Assignment3.Catalog;
using Constructs;
using CloudWatchMetric = Amazon.CDK.AWS.CloudWatch.Metric;

namespace Assignment3.Infrastructure;

/// <summary>What <see cref="Monitoring"/> watches.</summary>
public sealed class MonitoringProps
{
    /// <summary>The tracked bucket's name (the dimension of the bucket metrics).</summary>
    public required string DataBucketName { get; init; }

    /// <summary>Every function of the stack, each with its own alarms.</summary>
    public required IReadOnlyList<LambdaFunctionConstruct> Functions { get; init; }

    /// <summary>Each failure queue by a readable name.</summary>
    public required IReadOnlyList<(string Name, Queue Queue)> FailureQueues { get; init; }

    /// <summary>The plotting API.</summary>
    public required RestApi Api { get; init; }

    /// <summary>Where alarm notifications are e-mailed (optional).</summary>
    public string? AlarmEmail { get; init; }
}

/// <summary>
/// Tells an operator when something needs them and shows how the system is doing: an SNS topic (optionally e-mailed)
/// that every alarm notifies — on parked events and API 5xx here, each function's own (errors, throttles, durations
/// near the timeout, see <see cref="LambdaFunctionConstruct"/>) — and one CloudWatch dashboard.
/// </summary>
public sealed class Monitoring : Construct
{
    /// <summary>Every alarm's name starts so; the topic takes notifications from alarms so named only.</summary>
    public const string AlarmPrefix = "assignment3-";

    /// <summary>The period every alarm evaluates.</summary>
    public static readonly Duration Period = Duration.Minutes(5);

    /// <summary>Adds the topic, the alarms and the dashboard.</summary>
    public Monitoring(Construct scope, string id, MonitoringProps props, NagSuppressions nag)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        ArgumentNullException.ThrowIfNull(nag);
        Topic = new Topic(this, "AlarmTopic", new TopicProps { DisplayName = "assignment3 alarms", EnforceSSL = true });
        // EnforceSSL gives the topic a policy of its own, which replaces the default one: without this statement no
        // alarm could publish. Only this stack's alarms (by name, in this account) may.
        Topic.AddToResourcePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Sid = "AlarmsOfThisSystemPublish",
            Actions = ["sns:Publish"],
            Principals = [new ServicePrincipal("cloudwatch.amazonaws.com")],
            Resources = [Topic.TopicArn],
            Conditions = new Dictionary<string, object>
            {
                ["ArnLike"] = new Dictionary<string, object> { ["aws:SourceArn"] = $"arn:{Aws.PARTITION}:cloudwatch:{Aws.REGION}:{Aws.ACCOUNT_ID}:alarm:{AlarmPrefix}*" },
                ["StringEquals"] = new Dictionary<string, object> { ["aws:SourceAccount"] = Aws.ACCOUNT_ID },
            },
        }));
        if (!string.IsNullOrWhiteSpace(props.AlarmEmail))
        {
            Topic.AddSubscription(new EmailSubscription(props.AlarmEmail.Trim()));
        }

        foreach (var (name, queue) in props.FailureQueues)
        {
            Alarms.Add(NewAlarm(this, $"{name}-parked", $"Events are parked in {name}: look at the function's error lines, fix the cause, then replay them (docs/deploy.md).",
                queue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Period = Period, Statistic = "Maximum" }), 1));
        }

        Alarms.AddRange(props.Functions.SelectMany(f => f.Alarms));
        Alarms.Add(NewAlarm(this, "plot-api-5xx", "The plotting API answered 5xx: the plotting function failed or timed out.",
            props.Api.MetricServerError(new MetricOptions { Period = Period, Statistic = "Sum" }), 1));
        var action = new SnsAction(Topic);
        foreach (var alarm in Alarms)
        {
            alarm.AddAlarmAction(action);
            alarm.AddOkAction(action);
        }

        var bucket = new Dictionary<string, string> { [MetricNames.BucketDimension] = props.DataBucketName };
        CloudWatchMetric Custom(string name, string statistic, IDictionary<string, string>? dimensions = null) => new(new MetricProps
        {
            Namespace = MetricNames.Namespace,
            MetricName = name,
            DimensionsMap = dimensions,
            Statistic = statistic,
            Period = Duration.Minutes(1),
        });
        GraphWidget Graph(string title, IMetric[] left, IMetric[]? right = null) => new(new GraphWidgetProps
        {
            Title = title,
            Left = left,
            Right = right,
            Width = 8,
        });

        Dashboard = new Dashboard(this, "Dashboard", new DashboardProps { DashboardName = "assignment3" });
        Dashboard.AddWidgets(
            Graph("Data bucket size (bytes)", [Custom(MetricNames.BucketSize, "Maximum", bucket)]),
            Graph("Data bucket objects", [Custom(MetricNames.ObjectCount, "Maximum", bucket)]),
            Graph("Chart render time (ms)", [Custom(MetricNames.ChartRenderTime, "Average"), Custom(MetricNames.ChartRenderTime, "Maximum")]));
        Dashboard.AddWidgets([.. props.Functions.Select(f => Graph($"{f.Spec.Name}: invocations, errors | duration (ms)",
            [f.Function.MetricInvocations(), f.Function.MetricErrors()], [f.Function.MetricDuration(new MetricOptions { Statistic = "Maximum" })]))]);
        Dashboard.AddWidgets(
            Graph("Parked events", [.. props.FailureQueues.Select(q => q.Queue.MetricApproximateNumberOfMessagesVisible(new MetricOptions { Label = q.Name }))]),
            Graph("Plot API: 4xx, 5xx", [props.Api.MetricClientError(), props.Api.MetricServerError()]),
            Graph("Plot API latency (ms)", [props.Api.MetricLatency(new MetricOptions { Statistic = "p90" }), props.Api.MetricIntegrationLatency(new MetricOptions { Statistic = "p90" })]));
    }

    /// <summary>
    /// An alarm named <see cref="AlarmPrefix"/> + <paramref name="name"/> that goes off when <paramref name="metric"/>
    /// reaches <paramref name="threshold"/> in one period (no data: fine). <see cref="Monitoring"/> gives it its actions.
    /// </summary>
    public static Alarm NewAlarm(Construct scope, string name, string description, IMetric metric, double threshold) => new(scope, name, new AlarmProps
    {
        AlarmName = AlarmPrefix + name,
        AlarmDescription = description,
        Metric = metric,
        Threshold = threshold,
        EvaluationPeriods = 1,
        ComparisonOperator = ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        TreatMissingData = TreatMissingData.NOT_BREACHING,
    });

    /// <summary>Where alarms are sent.</summary>
    public Topic Topic { get; }

    /// <summary>Every alarm.</summary>
    public List<Alarm> Alarms { get; } = [];

    /// <summary>The dashboard.</summary>
    public Dashboard Dashboard { get; }
}
