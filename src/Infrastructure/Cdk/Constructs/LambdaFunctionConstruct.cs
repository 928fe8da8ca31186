using System.Globalization;
using Amazon.CDK;
using Amazon.CDK.AWS.CloudWatch;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Logs;
using Assignment3.Catalog;
using Assignment3.Infrastructure.Bundling;
using Constructs;
using LogGroupProps = Amazon.CDK.AWS.Logs.LogGroupProps;

namespace Assignment3.Infrastructure;

/// <summary>What every function of the stack gets alike.</summary>
public sealed class SharedFunctionSettings
{
    /// <summary>The repository root, where the function projects are published from.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>The settings every function reads (table, index, buckets); each also gets its own timeout.</summary>
    public required IReadOnlyDictionary<string, string> Environment { get; init; }

    /// <summary>The stack's cdk-nag suppressions, where each function's accepted findings are written with their reasons.</summary>
    public required NagSuppressions Nag { get; init; }
}

/// <summary>
/// One function of the catalog, whole: its own role (its log group and X-Ray, nothing else until it is granted more),
/// its own log group (a month, removed on destroy), the function (code from its plan's bundle, memory and timeout from
/// the catalog, Lambda's JSON log format, active tracing), its alarms (errors, throttles, duration near the timeout),
/// and the cdk-nag findings it accepts, each with its reason. What triggers it and what else it may do are said where
/// the stack wires it (<see cref="Allow"/>).
/// </summary>
public sealed class LambdaFunctionConstruct : Construct
{
    /// <summary>How close to its timeout a function's slowest invocation may come before someone should look.</summary>
    public const double DurationAlarmShareOfTimeout = 0.8;

    private const string DeadLetterRule = "Serverless-LambdaDLQ";

    private readonly NagSuppressions _nag;

    /// <summary>Creates the function <paramref name="spec"/> as <paramref name="plan"/> builds it.</summary>
    public LambdaFunctionConstruct(Construct scope, LambdaFunctionSpec spec, BundlePlan plan, SharedFunctionSettings shared)
        : base(scope, IdFor(spec))
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(shared);
        (Spec, _nag) = (spec, shared.Nag);
        var bundle = plan.Bundle;
        var native = bundle.Runtime == FunctionRuntime.NativeAot;
        var timeout = Duration.Seconds(spec.TimeoutSeconds);

        Logs = new LogGroup(this, "Logs", new LogGroupProps
        {
            LogGroupName = $"/aws/lambda/assignment3-{spec.Name}",
            Retention = RetentionDays.ONE_MONTH,
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        Role = new Role(this, "Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = $"assignment3 {spec.Name}: only what the function itself does",
        });
        // Only its own log group, instead of AWSLambdaBasicExecutionRole's logs on every resource.
        Logs.GrantWrite(Role);

        var code = FunctionAsset.Create(this, "Code", plan, shared.RepositoryRoot);
        // "Default": the CDK leaves it out of logical IDs, so the function, and the permissions and invoke configuration
        // named after it, keep the IDs they had when the stack declared the function itself (see FlatLogicalIds).
        Function = new Function(this, "Default", new FunctionProps
        {
            FunctionName = $"assignment3-{spec.Name}",
            Description = native ? $"assignment3 {spec.Name} (Native AOT, {spec.TypeName})" : $"assignment3 {spec.Name} ({spec.Handler})",
            // Native AOT bundles start in tens of milliseconds where the managed runtime takes hundreds (docs/performance.md).
            Runtime = native ? Runtime.PROVIDED_AL2023 : Runtime.DOTNET_10,
            Architecture = bundle.Architecture == LambdaArchitecture.Arm64 ? Architecture.ARM_64 : Architecture.X86_64,
            Handler = bundle.Handler,
            Code = Code.FromBucket(code.Bucket, code.S3ObjectKey),
            MemorySize = spec.MemoryMb,
            Timeout = timeout,
            // The function stops itself shy of this timeout (FunctionSettings.InvocationDeadline) to fail with a clear error.
            Environment = new Dictionary<string, string>(shared.Environment)
            {
                [FunctionSettingNames.FunctionTimeout] = spec.TimeoutSeconds.ToString(CultureInfo.InvariantCulture),
            },
            Role = Role,
            LogGroup = Logs,
            // The functions write JSON lines with Lambda's "timestamp" and "level" (TRACE…FATAL) and read
            // AWS_LAMBDA_LOG_LEVEL, which Lambda sets from the application level: Lambda keeps their lines as they are
            // and filters by level. Lines without a level (the metrics' embedded format) count as INFO and pass.
            LoggingFormat = LoggingFormat.JSON,
            ApplicationLogLevelV2 = ApplicationLogLevel.INFO,
            SystemLogLevelV2 = SystemLogLevel.INFO,
            Tracing = Tracing.ACTIVE,
        });
        // Tools that read a template's asset metadata (SAM's local invoke) find the bundle as with Code.FromAsset.
        code.AddResourceMetadata((CfnResource)Function.Node.DefaultChild!, "Code");
        // The asset's key is its content hash: new code is a new key, so no object version is needed to redeploy.
        Annotations.Of(code.Bucket).AcknowledgeWarning("@aws-cdk/aws-lambda:codeFromBucketObjectVersionNotSpecified",
            "The code is this stack's own asset, keyed by its hash: changed code is a new key and updates the function.");

        Alarms =
        [
            Monitoring.NewAlarm(this, $"{spec.Name}-errors", $"{spec.Name} failed at least once in 5 minutes; its log group has one JSON error line per failure.",
                Function.MetricErrors(new MetricOptions { Period = Monitoring.Period, Statistic = "Sum" }), 1),
            Monitoring.NewAlarm(this, $"{spec.Name}-throttles", $"{spec.Name} was throttled: the account's or the function's concurrency is exhausted.",
                Function.MetricThrottles(new MetricOptions { Period = Monitoring.Period, Statistic = "Sum" }), 1),
            Monitoring.NewAlarm(this, $"{spec.Name}-near-timeout", $"{spec.Name}'s slowest invocation took over {DurationAlarmShareOfTimeout:P0} of its {spec.TimeoutSeconds} s timeout.",
                Function.MetricDuration(new MetricOptions { Period = Monitoring.Period, Statistic = "Maximum" }), spec.TimeoutSeconds * 1000 * DurationAlarmShareOfTimeout),
        ];

        _nag.Add(Role.Node.FindChild("DefaultPolicy"), "AwsSolutions-IAM5",
            "Active tracing: X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions.",
            "Resource::*");
        // Until a trigger says otherwise (NoDeadLetterQueueBecause), the function is invoked directly and synchronously.
        _nag.Add(Function, DeadLetterRule,
            "Invoked synchronously by a person or a script (aws lambda invoke), who gets the error; there is no event to park.");

        // The logical IDs these had when the stack declared them itself (the log group and alarms have fixed names).
        var id = Node.Id;
        FlatLogicalIds.Keep(Logs, $"{id}Logs");
        FlatLogicalIds.Keep(Role, $"{id}Role");
        foreach (var alarm in Alarms)
        {
            FlatLogicalIds.Keep(alarm, nameof(Monitoring), alarm.Node.Id);
        }
    }

    /// <summary>The function's entry in the catalog.</summary>
    public LambdaFunctionSpec Spec { get; }

    /// <summary>The function.</summary>
    public Function Function { get; }

    /// <summary>The function's own role.</summary>
    public Role Role { get; }

    /// <summary>The function's own log group.</summary>
    public LogGroup Logs { get; }

    /// <summary>Its errors, throttles and near-timeout alarms; <see cref="Monitoring"/> gives them their actions.</summary>
    public IReadOnlyList<Alarm> Alarms { get; }

    /// <summary>The construct id of <paramref name="spec"/>'s construct: its name in PascalCase (size-tracking → SizeTracking).</summary>
    public static string IdFor(LambdaFunctionSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return string.Concat(spec.Name.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
    }

    /// <summary>Lets the function do <paramref name="actions"/> on <paramref name="resources"/>, and nothing else besides.</summary>
    public void Allow(string[] actions, params string[] resources) =>
        Function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps { Actions = actions, Resources = resources }));

    /// <summary>
    /// Lets the function do <paramref name="actions"/> on the DynamoDB table <paramref name="tableArn"/>, only on items
    /// whose partition key is one of <paramref name="partitionKeys"/> (<c>dynamodb:LeadingKeys</c>).
    /// </summary>
    public void AllowInPartitions(string[] actions, string tableArn, params string[] partitionKeys) =>
        Function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = actions,
            Resources = [tableArn],
            Conditions = new Dictionary<string, object>
            {
                ["ForAllValues:StringEquals"] = new Dictionary<string, object> { ["dynamodb:LeadingKeys"] = partitionKeys },
            },
        }));

    /// <summary>
    /// Allows <paramref name="actions"/> on the table <paramref name="tableArn"/>, on items whose partition key starts with
    /// <paramref name="partitionPrefix"/> only (IAM's <c>dynamodb:LeadingKeys</c>, matched as <c>prefix*</c>): for tables
    /// whose partitions are made from a name and more (a bucket's shards). The prefix must hold no <c>*</c> or <c>?</c>.
    /// </summary>
    public void AllowInPartitionsStartingWith(string[] actions, string tableArn, string partitionPrefix) =>
        Function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = actions,
            Resources = [tableArn],
            Conditions = new Dictionary<string, object>
            {
                ["ForAllValues:StringLike"] = new Dictionary<string, object> { ["dynamodb:LeadingKeys"] = new[] { partitionPrefix + "*" } },
            },
        }));

    /// <summary>
    /// Accepts cdk-nag's <paramref name="ruleId"/> on the function's role policy for <paramref name="reason"/>, for the
    /// findings <paramref name="appliesTo"/> names (see <see cref="NagSuppressions.Add"/>): a grant wider than one resource.
    /// </summary>
    public void AcceptOnRole(string ruleId, string reason, params string[] appliesTo) =>
        _nag.Add(Role.Node.FindChild("DefaultPolicy"), ruleId, reason, appliesTo);

    /// <summary>Why the function needs no dead-letter queue, said by the trigger that invokes it.</summary>
    public void NoDeadLetterQueueBecause(string reason) => _nag.Replace(Function, DeadLetterRule, reason);
}
