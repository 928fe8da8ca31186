using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.DynamoDB;
using Amazon.CDK.AWS.Events;
using Amazon.CDK.AWS.Events.Targets;
using Amazon.CDK.AWS.IAM;
using Amazon.CDK.AWS.Lambda;
using Amazon.CDK.AWS.Lambda.Destinations;
using Amazon.CDK.AWS.Logs;
using Amazon.CDK.AWS.S3;
using Amazon.CDK.AWS.SQS;
using Assignment3.Catalog;
using Assignment3.Infrastructure.Bundling;
using Constructs;
using LambdaFunctionTarget = Amazon.CDK.AWS.Events.Targets.LambdaFunction;
using LogGroupProps = Amazon.CDK.AWS.Logs.LogGroupProps;

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

    /// <summary>The by-size index of the table.</summary>
    public string SizeIndexName { get; init; } = HistorySchema.SizeIndexName;

    /// <summary>The repository root, where the function projects are published from.</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>How each function's bundle is built and which runtime and processor it runs on, by function name.</summary>
    public required IReadOnlyDictionary<string, BundlePlan> Plans { get; init; }
}

/// <summary>
/// The three functions (native or managed, x86_64 or arm64, as their plans say), the EventBridge rule that feeds size-tracking, the REST API
/// that alone triggers plotting, least-privilege roles, failure queues and log groups.
/// </summary>
public sealed class LambdaStack : Stack
{
    /// <summary>The stage the API is deployed to.</summary>
    public const string StageName = "prod";

    /// <summary>CDK context key: an e-mail address that receives the alarms.</summary>
    public const string AlarmEmailContext = "assignment3:alarmEmail";

    /// <summary>CDK context key: "false" leaves the account-level API Gateway CloudWatch role to the account's owner.</summary>
    public const string ApiGatewayCloudWatchRoleContext = "assignment3:apiGatewayCloudWatchRole";

    /// <summary>Creates the functions, the rule, the API and their permissions.</summary>
    public LambdaStack(Construct scope, string id, LambdaStackProps props)
        : base(scope, id, props)
    {
        ArgumentNullException.ThrowIfNull(props);
        var nag = new NagSuppressions();
        var history = props.History;
        var indexArn = $"{history.TableArn}/index/{props.SizeIndexName}";
        var environment = new Dictionary<string, string>
        {
            [FunctionSettingNames.TableName] = history.TableName,
            [FunctionSettingNames.SizeIndexName] = props.SizeIndexName,
            [FunctionSettingNames.DataBucket] = props.DataBucket.BucketName,
            [FunctionSettingNames.PlotBucket] = props.PlotBucket.BucketName,
        };

        // Size tracking: lists the whole bucket per event. 512 MB buys the CPU share that keeps a 5,000-object
        // listing near a second; a minute covers buckets of ~100,000 objects (100 LIST pages).
        var trackingFailures = SecureQueue("SizeTrackingFailedEvents", nag);
        SizeTracking = DotnetFunction("SizeTracking", props.Plans[FunctionCatalog.SizeTracking.Name], props.RepositoryRoot, environment,
            memoryMb: 512, timeout: Duration.Minutes(1), configure: p =>
            {
                // Errors inside the function: Lambda retries the asynchronous event twice, then parks it here.
                p.RetryAttempts = 2;
                p.MaxEventAge = Duration.Hours(6);
                p.OnFailure = new SqsDestination(trackingFailures);
            });
        Allow(SizeTracking, ["s3:ListBucket"], props.DataBucket.BucketArn);
        // One TransactWriteItems of two Puts (record and idempotency marker): DynamoDB authorizes each Put as PutItem.
        // A repeated event's marker comes back with the cancellation, so no read permission is needed.
        Allow(SizeTracking, ["dynamodb:PutItem"], history.TableArn);

        // Plotting: rendering wants CPU, and 1 GB gives a full vCPU's worth; API Gateway waits at most 29 s.
        Plotting = DotnetFunction("Plotting", props.Plans[FunctionCatalog.Plotting.Name], props.RepositoryRoot, environment,
            memoryMb: 1024, timeout: Duration.Seconds(29));
        Allow(Plotting, ["dynamodb:Query"], history.TableArn, indexArn);
        // GetObject: the presigned link the response carries is signed with this role, and works only while it may read.
        Allow(Plotting, ["s3:PutObject", "s3:GetObject"], props.PlotBucket.ArnForObjects("*"));

        // The rule: S3 object changes of the data bucket only. Events EventBridge cannot deliver go to its DLQ.
        var undeliverable = SecureQueue("UndeliverableObjectEvents", nag);
        _ = new Rule(this, "DataBucketObjectChanges", new RuleProps
        {
            Description = "Object Created / Object Deleted in the data bucket → size tracking",
            EventPattern = new EventPattern
            {
                Source = [S3EventNames.Source],
                DetailType = [S3EventNames.ObjectCreated, S3EventNames.ObjectDeleted],
                Detail = new Dictionary<string, object>
                {
                    ["bucket"] = new Dictionary<string, object> { ["name"] = new[] { props.DataBucket.BucketName } },
                },
            },
            Targets =
            [
                new LambdaFunctionTarget(SizeTracking, new LambdaFunctionProps
                {
                    DeadLetterQueue = undeliverable,
                    RetryAttempts = 8,
                    MaxEventAge = Duration.Hours(6),
                }),
            ],
        });

        // The REST API: one POST method, IAM-authorized, throttled, validated, traced, with access and execution logs.
        var accessLogs = OwnLogGroup("PlotApiAccessLogs", "PlotApiAccessLogs");
        // API Gateway logs through one role per account and region (AWS::ApiGateway::Account). The stack sets it so
        // that logging works on a fresh account, and keeps it on destroy: other APIs of the account log through it
        // too. An account that manages the role centrally sets the context value to false.
        var createCloudWatchRole = !"false".Equals(Node.TryGetContext(ApiGatewayCloudWatchRoleContext)?.ToString(), StringComparison.OrdinalIgnoreCase);
        Api = new RestApi(this, "PlotApi", new RestApiProps
        {
            RestApiName = "assignment3-plot",
            Description = "Draws a bucket's size history (POST /plot)",
            CloudWatchRole = createCloudWatchRole,
            CloudWatchRoleRemovalPolicy = RemovalPolicy.RETAIN,
            EndpointTypes = [EndpointType.REGIONAL],
            DeployOptions = new StageOptions
            {
                StageName = StageName,
                ThrottlingRateLimit = 5,
                ThrottlingBurstLimit = 10,
                AccessLogDestination = new LogGroupLogDestination(accessLogs),
                AccessLogFormat = AccessLogFormat.JsonWithStandardFields(),
                MetricsEnabled = true,
                // Execution logs without request and response bodies: a body may name buckets, never credentials,
                // but full data tracing is for debugging sessions, not a standing setting.
                LoggingLevel = MethodLoggingLevel.INFO,
                DataTraceEnabled = false,
                TracingEnabled = true,
            },
        });
        var requestModel = Api.AddModel("PlotRequest", new ModelOptions
        {
            ContentType = "application/json",
            ModelName = "PlotRequest",
            Description = "Optional bucket (an S3 bucket name) and window (\"10s\", \"2m\", or seconds)",
            Schema = new JsonSchema
            {
                Schema = JsonSchemaVersion.DRAFT4,
                Title = "PlotRequest",
                Type = JsonSchemaType.OBJECT,
                Properties = new Dictionary<string, IJsonSchema>
                {
                    ["bucket"] = new JsonSchema { Type = JsonSchemaType.STRING, MinLength = 3, MaxLength = 63, Pattern = "^[a-z0-9][a-z0-9.-]*[a-z0-9]$" },
                    ["window"] = new JsonSchema { Type = new[] { JsonSchemaType.STRING, JsonSchemaType.NUMBER, JsonSchemaType.NULL } },
                },
                AdditionalProperties = false,
            },
        });
        var validator = Api.AddRequestValidator("PlotRequestValidator", new RequestValidatorOptions
        {
            RequestValidatorName = "plot-request",
            ValidateRequestBody = true,
            ValidateRequestParameters = true,
        });
        PlotMethod = Api.Root.AddResource("plot").AddMethod("POST", new LambdaIntegration(Plotting), new MethodOptions
        {
            AuthorizationType = AuthorizationType.IAM,
            RequestValidator = validator,
            RequestModels = new Dictionary<string, IModel> { ["application/json"] = requestModel },
            RequestParameters = new Dictionary<string, bool>
            {
                ["method.request.querystring.bucket"] = false,
                ["method.request.querystring.window"] = false,
            },
        });
        nag.Add(PlotMethod, "AwsSolutions-COG4",
            "The API's only callers are AWS principals (the driver function's role, operators); IAM authorization with SigV4 is the design, no user pool is involved.");
        // API Gateway writes the stage's execution logs to a group it would create itself, with no retention, which
        // cdk destroy would leave behind. Declared here first (the stage waits for it): kept a month, and removed.
        var executionLogs = OwnLogGroup("PlotApiExecutionLogs", $"API-Gateway-Execution-Logs_{Api.RestApiId}/{StageName}");
        Api.DeploymentStage.Node.AddDependency(executionLogs);
        nag.Add(Api.DeploymentStage, "AwsSolutions-APIG3",
            "No WAF web ACL: every request must carry a valid SigV4 signature of an allowed principal, and the stage is throttled to 5 requests/s; a web ACL would cost more than the API.");
        if (createCloudWatchRole)
        {
            nag.Add(Api.Node.FindChild("CloudWatchRole"), "AwsSolutions-IAM4",
                "AmazonAPIGatewayPushToCloudWatchLogs is AWS's own policy for exactly this account-level API Gateway logging role.",
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs");
        }

        // Driver: runs the demo (five changes, each waited for) and calls the API; 3 minutes covers five 30 s waits.
        Driver = DotnetFunction("Driver", props.Plans[FunctionCatalog.Driver.Name], props.RepositoryRoot,
            new Dictionary<string, string>(environment) { [FunctionSettingNames.PlotApiUrl] = Api.UrlForPath("/plot") },
            memoryMb: 512, timeout: Duration.Minutes(3));
        Allow(Driver, ["s3:ListBucket"], props.DataBucket.BucketArn);
        Allow(Driver, ["s3:PutObject", "s3:DeleteObject"], props.DataBucket.ArnForObjects("*"));
        // Reads the history while it waits; writes one record when the bucket it starts from is already empty. Both only
        // in the data bucket's partition: the driver has no business with any other bucket's history.
        Driver.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps
        {
            Actions = ["dynamodb:Query", "dynamodb:PutItem"],
            Resources = [history.TableArn],
            Conditions = new Dictionary<string, object>
            {
                ["ForAllValues:StringEquals"] = new Dictionary<string, object> { ["dynamodb:LeadingKeys"] = new[] { props.DataBucket.BucketName } },
            },
        }));
        Allow(Driver, ["execute-api:Invoke"], PlotMethod.MethodArn);

        nag.Add(SizeTracking, "Serverless-LambdaDLQ",
            "Failed asynchronous invocations go to an on-failure destination (SizeTrackingFailedEvents), which keeps the event and the error together; a DLQ would hold a second, poorer copy.");
        nag.Add(Plotting, "Serverless-LambdaDLQ",
            "Invoked synchronously by API Gateway only: the caller gets the error, there is no event to park.");
        nag.Add(Driver, "Serverless-LambdaDLQ",
            "Invoked synchronously by a person or a script (aws lambda invoke), who gets the error; there is no event to park.");
        foreach (var function in new[] { SizeTracking, Plotting, Driver })
        {
            nag.Add(function.Role!.Node.FindChild("DefaultPolicy"), "AwsSolutions-IAM5",
                "Active tracing: X-Ray's PutTraceSegments and PutTelemetryRecords support no resource-level permissions.",
                "Resource::*");
        }

        nag.Add(Plotting.Role!.Node.FindChild("DefaultPolicy"), "AwsSolutions-IAM5",
            "Chart keys are made per chart (bucket name and time); the grant is PutObject and GetObject (for the presigned link) in the plot bucket alone.",
            "regex:/^Resource::.*PlotBucket.*\\/\\*$/");
        nag.Add(Driver.Role!.Node.FindChild("DefaultPolicy"), "AwsSolutions-IAM5",
            "The demo cleans up leftovers of any name in the data bucket before it starts; the grant is PutObject and DeleteObject in that bucket alone.",
            "regex:/^Resource::.*DataBucket.*\\/\\*$/");

        // An e-mail address for alarms: npx cdk deploy --all -c assignment3:alarmEmail=you@example.com
        Monitoring = new Monitoring(this, "Monitoring", new MonitoringProps
        {
            DataBucketName = props.DataBucket.BucketName,
            Functions = [("size-tracking", SizeTracking, SizeTracking.Timeout!), ("plotting", Plotting, Plotting.Timeout!), ("driver", Driver, Driver.Timeout!)],
            FailureQueues = [("size-tracking-failed-events", trackingFailures), ("undeliverable-object-events", undeliverable)],
            Api = Api,
            AlarmEmail = Node.TryGetContext(AlarmEmailContext)?.ToString(),
        }, nag);

        _ = new CfnOutput(this, "PlotApiUrl", new CfnOutputProps { Value = Api.UrlForPath("/plot"), Description = "POST here (SigV4-signed) for a chart" });
        _ = new CfnOutput(this, "DriverFunctionName", new CfnOutputProps { Value = Driver.FunctionName, Description = "aws lambda invoke --function-name <this> out.json" });
        _ = new CfnOutput(this, "SizeTrackingFailureQueueUrl", new CfnOutputProps { Value = trackingFailures.QueueUrl, Description = "Events size tracking gave up on" });
        _ = new CfnOutput(this, "AlarmTopicArn", new CfnOutputProps { Value = Monitoring.Topic.TopicArn, Description = "Subscribe here to hear about alarms" });
        _ = new CfnOutput(this, "DashboardName", new CfnOutputProps { Value = "assignment3", Description = "CloudWatch → Dashboards → this name" });
        _ = new CfnOutput(this, "UndeliverableEventQueueUrl", new CfnOutputProps { Value = undeliverable.QueueUrl, Description = "Events EventBridge could not deliver" });
    }

    /// <summary>The alarms, their topic and the dashboard.</summary>
    public Monitoring Monitoring { get; }

    /// <summary>S3 object events → RecordBucketSize.</summary>
    public Function SizeTracking { get; }

    /// <summary>The API's function → RenderSizeChart.</summary>
    public Function Plotting { get; }

    /// <summary>Runs the demo.</summary>
    public Function Driver { get; }

    /// <summary>The plotting REST API.</summary>
    public RestApi Api { get; }

    /// <summary>POST /plot.</summary>
    public Amazon.CDK.AWS.APIGateway.Method PlotMethod { get; }

    private Function DotnetFunction(string id, BundlePlan plan, string repositoryRoot, IDictionary<string, string> environment,
        int memoryMb, Duration timeout, Action<FunctionProps>? configure = null)
    {
        var (spec, bundle) = (plan.Bundle.Function, plan.Bundle);
        var native = bundle.Runtime == FunctionRuntime.NativeAot;
        var logs = OwnLogGroup($"{id}Logs", $"/aws/lambda/assignment3-{spec.Name}");
        var role = new Role(this, $"{id}Role", new RoleProps
        {
            AssumedBy = new ServicePrincipal("lambda.amazonaws.com"),
            Description = $"assignment3 {spec.Name}: only what the function itself does",
        });
        // Only its own log group, instead of AWSLambdaBasicExecutionRole's logs on every resource.
        logs.GrantWrite(role);

        var code = FunctionAsset.Create(this, $"{id}Code", plan, repositoryRoot);
        var props = new FunctionProps
        {
            FunctionName = $"assignment3-{spec.Name}",
            Description = native ? $"assignment3 {spec.Name} (Native AOT, {spec.TypeName})" : $"assignment3 {spec.Name} ({spec.Handler})",
            // Native AOT bundles start in tens of milliseconds where the managed runtime takes hundreds (docs/performance.md).
            Runtime = native ? Runtime.PROVIDED_AL2023 : Runtime.DOTNET_10,
            Architecture = bundle.Architecture == LambdaArchitecture.Arm64 ? Architecture.ARM_64 : Architecture.X86_64,
            Handler = bundle.Handler,
            Code = Code.FromBucket(code.Bucket, code.S3ObjectKey),
            MemorySize = memoryMb,
            Timeout = timeout,
            // The function stops itself shy of this timeout (FunctionSettings.InvocationDeadline) to fail with a clear error.
            Environment = new Dictionary<string, string>(environment)
            {
                [FunctionSettingNames.FunctionTimeout] = timeout.ToSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            Role = role,
            LogGroup = logs,
            LoggingFormat = LoggingFormat.TEXT,
            Tracing = Tracing.ACTIVE,
        };
        configure?.Invoke(props);
        var function = new Function(this, id, props);
        // Tools that read a template's asset metadata (SAM's local invoke) find the bundle as with Code.FromAsset.
        code.AddResourceMetadata((Amazon.CDK.CfnResource)function.Node.DefaultChild!, "Code");
        // The asset's key is its content hash: new code is a new key, so no object version is needed to redeploy.
        Annotations.Of(code.Bucket).AcknowledgeWarning("@aws-cdk/aws-lambda:codeFromBucketObjectVersionNotSpecified",
            "The code is this stack's own asset, keyed by its hash: changed code is a new key and updates the function.");
        return function;
    }

    private LogGroup OwnLogGroup(string id, string name) => new(this, id, new LogGroupProps
    {
        LogGroupName = name,
        Retention = RetentionDays.ONE_MONTH,
        RemovalPolicy = RemovalPolicy.DESTROY,
    });

    private Queue SecureQueue(string id, NagSuppressions nag)
    {
        var queue = new Queue(this, id, new QueueProps
        {
            Encryption = QueueEncryption.SQS_MANAGED,
            EnforceSSL = true,
            RetentionPeriod = Duration.Days(14),
        });
        const string reason = "This queue is itself where failed events are parked; a dead-letter queue behind it would only move them again. Its depth is alarmed on.";
        nag.Add(queue, "AwsSolutions-SQS3", reason);
        nag.Add(queue, "Serverless-SQSRedrivePolicy", reason);
        return queue;
    }

    private static void Allow(Function function, string[] actions, params string[] resources) =>
        function.AddToRolePolicy(new PolicyStatement(new PolicyStatementProps { Actions = actions, Resources = resources }));
}
