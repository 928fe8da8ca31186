using System.Text.RegularExpressions;
using Amazon.CDK;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.S3;
using Assignment3.Catalog;
using Assignment3.Infrastructure.Bundling;
using Constructs;
using SqsQueueTarget = Amazon.CDK.AWS.Events.Targets.SqsQueue;
using SqsQueueTargetProps = Amazon.CDK.AWS.Events.Targets.SqsQueueProps;

namespace Assignment3.Infrastructure;

/// <summary>What the Lambda stack needs from the storage stack.</summary>
public sealed class LambdaStackProps : StackProps
{
    /// <summary>The tracked bucket.</summary>
    public required IBucket DataBucket { get; init; }

    /// <summary>The chart bucket.</summary>
    public required IBucket PlotBucket { get; init; }

    /// <summary>The history table.</summary>
    public required ITable History { get; init; }

    /// <summary>Incremental tracking's object state table; size tracking uses it in incremental mode only.</summary>
    public required ITable ObjectStates { get; init; }

    /// <summary>The by-size index of the table.</summary>
    public string SizeIndexName { get; init; } = HistorySchema.SizeIndexName;

    /// <summary>The repository root, where the function projects are published from.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>The functions the stack deploys, each through one <see cref="LambdaFunctionConstruct"/>.</summary>
    public IReadOnlyList<LambdaFunctionSpec> Functions { get; init; } = FunctionCatalog.All;

    /// <summary>How each function's bundle is built and which runtime and processor it runs on, by function name.</summary>
    public required IReadOnlyDictionary<string, BundlePlan> Plans { get; init; }
}

/// <summary>
/// Every function of the catalog through one <see cref="LambdaFunctionConstruct"/> each (native or managed, x86_64 or
/// arm64, as their plans say), then each one's trigger and grants: the EventBridge rule that feeds size tracking, the
/// REST API that alone invokes plotting, the driver's rights; the alarms' topic and the dashboard.
/// </summary>
public sealed partial class LambdaStack : Stack
{
    /// <summary>The stage the API is deployed to.</summary>
    public const string StageName = PlotRestApi.StageName;

    /// <summary>CDK context key: an e-mail address that receives the alarms.</summary>
    public const string AlarmEmailContext = "assignment3:alarmEmail";

    /// <summary>CDK context key: "false" leaves the account-level API Gateway CloudWatch role to the account's owner.</summary>
    public const string ApiGatewayCloudWatchRoleContext = "assignment3:apiGatewayCloudWatchRole";

    /// <summary>
    /// CDK context key: how size tracking follows the data bucket, one of <see cref="TrackingModeNames.All"/> (default
    /// <c>listing</c>). Sets the function's <see cref="FunctionSettingNames.TrackingMode"/> and the grants each mode needs.
    /// </summary>
    public const string TrackingContext = "assignment3:tracking";

    /// <summary>Creates the functions, their triggers and permissions, and their monitoring.</summary>
    public LambdaStack(Construct scope, string id, LambdaStackProps props)
        : base(scope, id, props)
    {
        ArgumentNullException.ThrowIfNull(props);
        var (nag, history, data) = (new NagSuppressions(), props.History, props.DataBucket);
        var shared = new SharedFunctionSettings
        {
            RepositoryRoot = props.RepositoryRoot,
            Nag = nag,
            Environment = new Dictionary<string, string>
            {
                [FunctionSettingNames.TableName] = history.TableName,
                [FunctionSettingNames.SizeIndexName] = props.SizeIndexName,
                [FunctionSettingNames.DataBucket] = data.BucketName,
                [FunctionSettingNames.PlotBucket] = props.PlotBucket.BucketName,
            },
        };
        Functions = [.. props.Functions.Select(spec => new LambdaFunctionConstruct(this, spec, props.Plans[spec.Name], shared))];

        // Size tracking: every object change of the data bucket, through EventBridge; lists the bucket (or, tracking
        // incrementally, applies each change to the objects' states), appends a record.
        var tracking = FunctionOf(FunctionCatalog.SizeTracking);
        TrackingMode = TrackingModeOf(Node.TryGetContext(TrackingContext)?.ToString());
        tracking.Function.AddEnvironment(FunctionSettingNames.TrackingMode, TrackingMode);
        ObjectEvents = new S3ObjectEventRule(this, "DataBucketObjectChanges", new S3ObjectEventRuleProps { Bucket = data, Target = tracking, Nag = nag });
        // Listing mode lists the bucket per batch; incremental mode to reconcile it, and HeadObject needs ListBucket to
        // answer 404 for a missing key (403 without).
        tracking.Allow(["s3:ListBucket"], data.BucketArn);
        // The latest record (is a change already shown?), then an append: see HistoryAccess. Not limited to the data
        // bucket's partitions: event markers have partitions of their own.
        tracking.Allow([.. HistoryAccess.Read, .. HistoryAccess.Append], history.TableArn);
        // Checked in either mode, so that a typo never waits for the day incremental mode is switched on.
        var reconcileSchedule = ReconcileScheduleOf(Node.TryGetContext(ReconciliationTrigger.ScheduleContextKey)?.ToString());
        if (TrackingMode == TrackingModeNames.Listing && Node.TryGetContext(ReconciliationTrigger.ScheduleContextKey) is not null)
        {
            Annotations.Of(this).AddWarning($"{ReconciliationTrigger.ScheduleContextKey} has no effect: reconciliation is part of incremental tracking ({TrackingContext}=incremental)");
        }

        if (TrackingMode == TrackingModeNames.Incremental)
        {
            // The objects' states and the totals, in their own table: only the data bucket's partitions (<bucket>#…).
            tracking.Function.AddEnvironment(FunctionSettingNames.ObjectStateTable, props.ObjectStates.TableName);
            tracking.AllowInPartitionsStartingWith([.. ObjectStateAccess.Track], props.ObjectStates.TableArn, ObjectStateSchema.PartitionPrefix(data.BucketName));
            // HeadObject, where an event alone cannot say what is current (sequencers of different lengths, a version removed).
            tracking.Allow(["s3:GetObject"], data.ArnForObjects("*"));
            tracking.AcceptOnRole("AwsSolutions-IAM5",
                "Incremental tracking asks S3 for the current version of any key an event names (HeadObject needs s3:GetObject); the grant is GetObject in the data bucket alone.",
                "regex:/^Resource::.*DataBucket.*\\/\\*$/");
            // Reconciliation on a schedule: a message on the same queue as the object events, so it is retried, parked
            // and redriven as they are. It lists with the s3:ListBucket granted above.
            Reconciliation = new Rule(this, "ReconcileDataBucket", new RuleProps
            {
                Description = "Reconciles size tracking's object states and totals with a listing of the data bucket",
                Schedule = Schedule.Expression(reconcileSchedule),
                Targets =
                [
                    new SqsQueueTarget(ObjectEvents.Queue, new SqsQueueTargetProps
                    {
                        Message = RuleTargetInput.FromObject(new Dictionary<string, object> { [ReconciliationTrigger.BucketProperty] = data.BucketName }),
                        DeadLetterQueue = ObjectEvents.Undeliverable,
                        RetryAttempts = 8,
                        MaxEventAge = Duration.Hours(6),
                    }),
                ],
            });
        }

        // Plotting: invoked by the API alone; reads the history and its by-size index, stores and links the chart.
        var plotting = FunctionOf(FunctionCatalog.Plotting);
        var createCloudWatchRole = !"false".Equals(Node.TryGetContext(ApiGatewayCloudWatchRoleContext)?.ToString(), StringComparison.OrdinalIgnoreCase);
        Api = new PlotRestApi(this, "PlotApi", new PlotRestApiProps { Handler = plotting, RepositoryRoot = props.RepositoryRoot, CloudWatchRole = createCloudWatchRole, Nag = nag });
        plotting.Allow([.. HistoryAccess.Read], history.TableArn, $"{history.TableArn}/index/{props.SizeIndexName}");
        // GetObject: the presigned link the response carries is signed with this role, and works only while it may read.
        plotting.Allow(["s3:PutObject", "s3:GetObject"], props.PlotBucket.ArnForObjects("*"));
        plotting.AcceptOnRole("AwsSolutions-IAM5",
            "Chart keys are made per chart (bucket name and time); the grant is PutObject and GetObject (for the presigned link) in the plot bucket alone.",
            "regex:/^Resource::.*PlotBucket.*\\/\\*$/");

        // Driver: invoked by hand (aws lambda invoke), no trigger; changes the data bucket, waits on the history, calls the API.
        var driver = FunctionOf(FunctionCatalog.Driver);
        driver.Function.AddEnvironment(FunctionSettingNames.PlotApiUrl, Api.PlotUrl);
        driver.Allow(["s3:ListBucket"], data.BucketArn);
        driver.Allow(["s3:PutObject", "s3:DeleteObject"], data.ArnForObjects("*"));
        driver.AcceptOnRole("AwsSolutions-IAM5",
            "The demo cleans up leftovers of any name in the data bucket before it starts; the grant is PutObject and DeleteObject in that bucket alone.",
            "regex:/^Resource::.*DataBucket.*\\/\\*$/");
        // Reads the history while it waits; appends one record (no event marker) when the bucket it starts from is already
        // empty. Both only in the data bucket's partitions (records and summaries): no business with other buckets' history.
        driver.AllowInPartitions([.. HistoryAccess.Read, .. HistoryAccess.Append], history.TableArn, [.. HistorySchema.PartitionsOf(data.BucketName)]);
        driver.Allow(["execute-api:Invoke"], Api.PlotMethod.MethodArn);

        // An e-mail address for alarms: npx cdk deploy --all -c assignment3:alarmEmail=you@example.com
        Monitoring = new Monitoring(this, "Monitoring", new MonitoringProps
        {
            DataBucketName = data.BucketName,
            Functions = Functions,
            FailureQueues = ObjectEvents.FailureQueues,
            Api = Api.Api,
            AlarmEmail = Node.TryGetContext(AlarmEmailContext)?.ToString(),
        }, nag);

        _ = new CfnOutput(this, "PlotApiUrl", new CfnOutputProps { Value = Api.PlotUrl, Description = "POST here (SigV4-signed) for a chart" });
        _ = new CfnOutput(this, "DriverFunctionName", new CfnOutputProps { Value = driver.Function.FunctionName, Description = "aws lambda invoke --function-name <this> out.json" });
        _ = new CfnOutput(this, "SizeTrackingFailureQueueUrl", new CfnOutputProps { Value = ObjectEvents.FailedEvents.QueueUrl, Description = "Events size tracking gave up on" });
        _ = new CfnOutput(this, "AlarmTopicArn", new CfnOutputProps { Value = Monitoring.Topic.TopicArn, Description = "Subscribe here to hear about alarms" });
        _ = new CfnOutput(this, "DashboardName", new CfnOutputProps { Value = "assignment3", Description = "CloudWatch → Dashboards → this name" });
        _ = new CfnOutput(this, "UndeliverableEventQueueUrl", new CfnOutputProps { Value = ObjectEvents.Undeliverable.QueueUrl, Description = "Events EventBridge could not deliver" });
    }

    /// <summary>Size tracking's mode, one of <see cref="TrackingModeNames.All"/>, from the context <see cref="TrackingContext"/>.</summary>
    public string TrackingMode { get; }

    /// <summary>
    /// Incremental mode: the rule that asks size tracking, on the schedule of the context
    /// <see cref="ReconciliationTrigger.ScheduleContextKey"/>, to reconcile the data bucket; null in listing mode.
    /// </summary>
    public Rule? Reconciliation { get; }

    /// <summary>
    /// The reconciliation schedule a context value names (null or blank: <see cref="ReconciliationTrigger.DefaultSchedule"/>),
    /// checked as EventBridge checks it at deploy: <c>rate(1 minute|hour|day)</c>, <c>rate(N minutes|hours|days)</c> for
    /// N &gt; 1, or <c>cron(…)</c> of six fields with <c>?</c> in exactly one of day-of-month and day-of-week. Anything
    /// else stops synth here, naming the context key, rather than failing the deploy half-way.
    /// </summary>
    public static string ReconcileScheduleOf(string? contextValue)
    {
        if (string.IsNullOrWhiteSpace(contextValue))
        {
            return ReconciliationTrigger.DefaultSchedule;
        }

        var rate = RateExpression().Match(contextValue);
        if (rate.Success && (rate.Groups["value"].Value == "1") == !rate.Groups["unit"].Value.EndsWith('s'))
        {
            return contextValue;
        }

        var cron = CronExpression().Match(contextValue);
        if (cron.Success && cron.Groups["fields"].Value.Split(' ') is { Length: 6 } fields && (fields[2] == "?") != (fields[4] == "?"))
        {
            return contextValue;
        }

        throw new ArgumentException(
            $"{ReconciliationTrigger.ScheduleContextKey} must be an EventBridge schedule expression: rate(1 day), rate(N days) for N > 1 " +
            $"(or minute/minutes, hour/hours), or cron(minutes hours day-of-month month day-of-week year) with ? in one of the two day fields; not \"{contextValue}\"");
    }

    [GeneratedRegex("^rate\\((?<value>[1-9][0-9]*) (?<unit>minutes?|hours?|days?)\\)$")]
    private static partial Regex RateExpression();

    [GeneratedRegex("^cron\\((?<fields>[0-9A-Za-z*?,/#-]+( [0-9A-Za-z*?,/#-]+)*)\\)$")]
    private static partial Regex CronExpression();

    /// <summary>The tracking mode a context value names (null or empty: listing); any other value is refused by name.</summary>
    public static string TrackingModeOf(string? contextValue) =>
        string.IsNullOrEmpty(contextValue) ? TrackingModeNames.Listing
        : TrackingModeNames.All.Contains(contextValue, StringComparer.Ordinal) ? contextValue
        : throw new ArgumentException($"{TrackingContext} must be {string.Join(" or ", TrackingModeNames.All)}, not \"{contextValue}\"");

    /// <summary>Every function, in the order of <see cref="LambdaStackProps.Functions"/>.</summary>
    public IReadOnlyList<LambdaFunctionConstruct> Functions { get; }

    /// <summary>The data bucket's object changes → size tracking, and the queues where failed events wait.</summary>
    public S3ObjectEventRule ObjectEvents { get; }

    /// <summary>The plotting REST API.</summary>
    public PlotRestApi Api { get; }

    /// <summary>The alarms' topic and the dashboard.</summary>
    public Monitoring Monitoring { get; }

    /// <summary>The construct of <paramref name="spec"/>.</summary>
    public LambdaFunctionConstruct FunctionOf(LambdaFunctionSpec spec) => Functions.Single(f => f.Spec.Name == spec?.Name);
}
