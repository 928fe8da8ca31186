using Amazon.CDK;
using Amazon.CDK.AWS.APIGateway;
using Amazon.CDK.AWS.Logs;
using Assignment3.Catalog;
using Constructs;
using LogGroupProps = Amazon.CDK.AWS.Logs.LogGroupProps;

namespace Assignment3.Infrastructure;

/// <summary>What <see cref="PlotRestApi"/> needs.</summary>
public sealed class PlotRestApiProps
{
    /// <summary>The plotting function, which the API alone invokes.</summary>
    public required LambdaFunctionConstruct Handler { get; init; }

    /// <summary>The repository root, where the request model's file is (<see cref="PlotApiModel.SchemaFile"/>).</summary>
    public required string RepositoryRoot { get; init; }

    /// <summary>Whether the stack sets the account-level role API Gateway logs through.</summary>
    public required bool CloudWatchRole { get; init; }

    /// <summary>The stack's cdk-nag suppressions.</summary>
    public required NagSuppressions Nag { get; init; }
}

/// <summary>
/// The plotting REST API: one POST /plot method, IAM-authorized, throttled, its JSON body validated against the request
/// model in <see cref="PlotApiModel.SchemaFile"/> as the file has it, traced, with access and execution logs (each group
/// kept a month and removed on destroy).
/// </summary>
public sealed class PlotRestApi : Construct
{
    /// <summary>The stage the API is deployed to.</summary>
    public const string StageName = "prod";

    /// <summary>Creates the API in front of the handler.</summary>
    public PlotRestApi(Construct scope, string id, PlotRestApiProps props)
        : base(scope, id)
    {
        ArgumentNullException.ThrowIfNull(props);
        var nag = props.Nag;
        var accessLogs = OwnLogGroup("AccessLogs", $"{id}AccessLogs", $"{id}AccessLogs");
        // "Default": the CDK leaves it out of logical IDs, so the API and everything in it keep the IDs they had
        // when the stack declared the API itself.
        Api = new RestApi(this, "Default", new RestApiProps
        {
            RestApiName = "assignment3-plot",
            Description = "Draws a bucket's size history (POST /plot)",
            // API Gateway logs through one role per account and region (AWS::ApiGateway::Account). The stack sets it so
            // that logging works on a fresh account, and keeps it on destroy: other APIs of the account log through it
            // too. An account that manages the role centrally sets the context value to false.
            CloudWatchRole = props.CloudWatchRole,
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

        RequestModel = FileModel(Path.Combine(props.RepositoryRoot, PlotApiModel.SchemaFile));
        var validator = Api.AddRequestValidator("PlotRequestValidator", new RequestValidatorOptions
        {
            RequestValidatorName = "plot-request",
            ValidateRequestBody = true,
            ValidateRequestParameters = true,
        });
        PlotMethod = Api.Root.AddResource("plot").AddMethod("POST", new LambdaIntegration(props.Handler.Function), new MethodOptions
        {
            AuthorizationType = AuthorizationType.IAM,
            RequestValidator = validator,
            RequestModels = new Dictionary<string, IModel> { [PlotApiModel.ContentType] = RequestModel },
            RequestParameters = new Dictionary<string, bool>
            {
                ["method.request.querystring.bucket"] = false,
                ["method.request.querystring.window"] = false,
            },
        });
        props.Handler.NoDeadLetterQueueBecause("Invoked synchronously by API Gateway only: the caller gets the error, there is no event to park.");
        nag.Add(PlotMethod, "AwsSolutions-COG4",
            "The API's only callers are AWS principals (the driver function's role, operators); IAM authorization with SigV4 is the design, no user pool is involved.");

        // API Gateway writes the stage's execution logs to a group it would create itself, with no retention, which
        // cdk destroy would leave behind. Declared here first (the stage waits for it): kept a month, and removed.
        var executionLogs = OwnLogGroup("ExecutionLogs", $"API-Gateway-Execution-Logs_{Api.RestApiId}/{StageName}", $"{id}ExecutionLogs");
        Api.DeploymentStage.Node.AddDependency(executionLogs);
        nag.Add(Api.DeploymentStage, "AwsSolutions-APIG3",
            "No WAF web ACL: every request must carry a valid SigV4 signature of an allowed principal, and the stage is throttled to 5 requests/s; a web ACL would cost more than the API.");
        if (props.CloudWatchRole)
        {
            nag.Add(Api.Node.FindChild("CloudWatchRole"), "AwsSolutions-IAM4",
                "AmazonAPIGatewayPushToCloudWatchLogs is AWS's own policy for exactly this account-level API Gateway logging role.",
                "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs");
        }
    }

    /// <summary>The REST API.</summary>
    public RestApi Api { get; }

    /// <summary>POST /plot.</summary>
    public Method PlotMethod { get; }

    /// <summary>The request model POST /plot validates JSON bodies against.</summary>
    public Model RequestModel { get; }

    /// <summary>The URL a client POSTs to.</summary>
    public string PlotUrl => Api.UrlForPath("/plot");

    /// <summary>
    /// The model in <paramref name="schemaFile"/>, deployed as the file has it: the model's CloudFormation Schema is
    /// the file's JSON, not a rendering of the CDK's JsonSchema type, so what the contract's tests check is what API
    /// Gateway validates. The model's description is the schema's own.
    /// </summary>
    private Model FileModel(string schemaFile)
    {
        var schema = JsiiJson.ReadObject(schemaFile);
        var model = Api.AddModel(PlotApiModel.Name, new ModelOptions
        {
            ContentType = PlotApiModel.ContentType,
            ModelName = PlotApiModel.Name,
            Description = schema.TryGetValue("description", out var description) ? description as string : null,
            // Replaced on the CloudFormation resource below.
            Schema = new JsonSchema(),
        });
        ((CfnModel)model.Node.DefaultChild!).Schema = schema;
        // The deployment's logical ID is a hash of what it deploys: a changed file must make a new deployment, or
        // the stage would go on validating against the old model.
        Api.LatestDeployment?.AddToLogicalId(new Dictionary<string, object> { ["requestModel"] = schema });
        return model;
    }

    private LogGroup OwnLogGroup(string id, string name, string formerId)
    {
        var group = new LogGroup(this, id, new LogGroupProps
        {
            LogGroupName = name,
            Retention = RetentionDays.ONE_MONTH,
            RemovalPolicy = RemovalPolicy.DESTROY,
        });
        // The logical ID it had when the stack declared it: its name is fixed, so a new ID could not be created.
        FlatLogicalIds.Keep(group, formerId);
        return group;
    }
}
