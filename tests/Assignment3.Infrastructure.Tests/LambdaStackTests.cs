using System.Text.Json.Nodes;
using Amazon.CDK.Assertions;
using Assignment3.Catalog;
using Assignment3.Infrastructure;
using static Assignment3.Infrastructure.Tests.SynthesizedApp;

namespace Assignment3.Infrastructure.Tests;

public sealed class LambdaStackTests
{
    // Each helper reads the default template (listing mode) unless given another.
    private static (string Id, JsonObject Resource) FunctionNamed(string name, Template? template = null) =>
        Resources(template ?? Lambda, "AWS::Lambda::Function").Single(f => (string?)f.Resource["Properties"]!["FunctionName"] == $"assignment3-{name}");

    /// <summary>Every statement of the policies attached to the function's role.</summary>
    private static List<JsonObject> Statements(string function, Template? template = null)
    {
        var roleId = (string)FunctionNamed(function, template).Resource["Properties"]!["Role"]!["Fn::GetAtt"]![0]!;
        return [.. Resources(template ?? Lambda, "AWS::IAM::Policy")
            .Where(p => p.Resource["Properties"]!["Roles"]!.AsArray().Any(r => (string?)r!["Ref"] == roleId))
            .SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()))];
    }

    private static string[] Actions(JsonObject statement) =>
        statement["Action"] is JsonArray many ? [.. many.Select(a => (string)a!)] : [(string)statement["Action"]!];

    // Logs and X-Ray every function has alike; the tests below state what each does besides.
    private static HashSet<string> AllActions(string function, Template? template = null) =>
        [.. Statements(function, template).SelectMany(Actions).Where(a => !a.StartsWith("logs:", StringComparison.Ordinal) && !a.StartsWith("xray:", StringComparison.Ordinal))];

    private static string? TrackingModeVariable(Template template) =>
        (string?)FunctionNamed("size-tracking", template).Resource["Properties"]!["Environment"]!["Variables"]![FunctionSettingNames.TrackingMode];

    [Fact]
    public void Size_tracking_tracks_by_listing_unless_the_context_says_incremental()
    {
        Assert.Equal("listing", TrackingModeVariable(Lambda));
        Assert.Equal("incremental", TrackingModeVariable(IncrementalLambda));
    }

    [Fact]
    public void Incremental_tracking_may_also_head_the_data_buckets_objects()
    {
        Assert.Equal(
            ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:UpdateItem", "s3:GetObject", "s3:ListBucket",
                "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            AllActions("size-tracking", IncrementalLambda).Order(StringComparer.Ordinal));
        var head = Assert.Single(Statements("size-tracking", IncrementalLambda), s => Actions(s).Contains("s3:GetObject"));
        Assert.Equal(["s3:GetObject"], Actions(head));
        var resource = head["Resource"]!.ToJsonString();
        Assert.Contains("DataBucket", resource, StringComparison.Ordinal);
        Assert.EndsWith("\"/*\"]]}", resource, StringComparison.Ordinal);
    }

    /// <summary>
    /// The object states are in their own table: incremental size tracking is told its name and may do there exactly what
    /// the store does (<see cref="ObjectStateAccess.Track"/>), in the data bucket's partitions alone (<c>&lt;bucket&gt;#…</c>:
    /// its shards and its totals). The history table's grant is listing mode's, unchanged.
    /// </summary>
    [Fact]
    public void Incremental_tracking_may_track_objects_in_the_state_table_only_in_the_data_buckets_partitions()
    {
        var variables = FunctionNamed("size-tracking", IncrementalLambda).Resource["Properties"]!["Environment"]!["Variables"]!;
        Assert.Equal(StorageResource("ObjectStateTable", "AWS::DynamoDB::Table"), ImportedFromStorage(variables[FunctionSettingNames.ObjectStateTable]!));
        Assert.Null(FunctionNamed("size-tracking").Resource["Properties"]!["Environment"]!["Variables"]![FunctionSettingNames.ObjectStateTable]);

        var dynamoDb = Statements("size-tracking", IncrementalLambda).Where(s => Actions(s).Any(a => a.StartsWith("dynamodb:", StringComparison.Ordinal))).ToList();
        Assert.Equal(2, dynamoDb.Count);
        var history = Assert.Single(dynamoDb, s => s["Resource"]!.ToJsonString().Contains("SizeHistoryTable", StringComparison.Ordinal));
        Assert.Equal([.. HistoryAccess.Read, .. HistoryAccess.Append], Actions(history));
        var states = Assert.Single(dynamoDb, s => s["Resource"]!.ToJsonString().Contains("ObjectStateTable", StringComparison.Ordinal));
        Assert.Equal(ObjectStateAccess.Track, Actions(states));
        Assert.Equal(StorageResource("ObjectStateTable", "AWS::DynamoDB::Table"), ImportedFromStorage(states["Resource"]!, "Fn::GetAtt"));
        var leadingKeys = Assert.Single(states["Condition"]!["ForAllValues:StringLike"]!["dynamodb:LeadingKeys"]!.AsArray())!["Fn::Join"]![1]!.AsArray();
        Assert.Equal(StorageResource("DataBucket"), ImportedFromStorage(leadingKeys[0]!));
        // <data bucket>#*: the prefix every partition of the bucket starts with, then IAM's wildcard.
        Assert.Equal(ObjectStateSchema.PartitionPrefix("") + "*", (string?)leadingKeys[1]);
    }

    [Fact]
    public void Only_incremental_tracking_accepts_a_data_bucket_wildcard_on_size_trackings_role_and_says_why()
    {
        // The acceptances that name the data bucket's objects (X-Ray's Resource: * is accepted on every role alike).
        static List<JsonNode?> Accepted(Template template) => [.. Resources(template, "AWS::IAM::Policy")
            .Where(p => p.Id.StartsWith("SizeTrackingRole", StringComparison.Ordinal))
            .SelectMany(p => p.Resource["Metadata"]?["cdk_nag"]?["rules_to_suppress"]?.AsArray() ?? [])
            .Where(rule => rule!["applies_to"]?.ToJsonString().Contains("DataBucket", StringComparison.Ordinal) == true)];

        Assert.Empty(Accepted(Lambda));
        var rule = Assert.Single(Accepted(IncrementalLambda));
        Assert.Equal("AwsSolutions-IAM5", (string?)rule!["id"]);
        Assert.Contains("HeadObject", (string?)rule["reason"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("incremetal")]
    [InlineData("Incremental")]
    public void A_tracking_mode_outside_the_choices_stops_synth_naming_the_context_and_its_choices(string value)
    {
        var error = Assert.Throws<ArgumentException>(() => Synthesize(context: new Dictionary<string, object> { [LambdaStack.TrackingContext] = value }));

        Assert.Equal($"assignment3:tracking must be listing or incremental, not \"{value}\"", error.Message);
    }

    private static IEnumerable<(string Id, JsonObject Resource)> ScheduledRules(Template template) =>
        Resources(template, "AWS::Events::Rule").Where(r => r.Resource["Properties"]!["ScheduleExpression"] is not null);

    /// <summary>
    /// Incremental tracking reconciles the data bucket daily unless the context says otherwise: a scheduled rule puts
    /// <c>{"reconcile":"&lt;data bucket&gt;"}</c> on size tracking's own queue (the message its translator reads as a
    /// reconciliation), retried and parked like the object events. Listing mode has no such rule.
    /// </summary>
    [Fact]
    public void Incremental_tracking_asks_size_tracking_daily_through_its_queue_to_reconcile_the_data_bucket()
    {
        Assert.Empty(ScheduledRules(Lambda));
        var rule = Assert.Single(ScheduledRules(IncrementalLambda)).Resource["Properties"]!;

        Assert.Equal("rate(1 day)", (string?)rule["ScheduleExpression"]);
        Assert.Equal("ENABLED", (string?)rule["State"]);
        var target = Assert.Single(rule["Targets"]!.AsArray())!;
        Assert.StartsWith(QueueId, (string?)target["Arn"]!["Fn::GetAtt"]![0], StringComparison.Ordinal);
        Assert.StartsWith("UndeliverableObjectEvents", (string?)target["DeadLetterConfig"]!["Arn"]!["Fn::GetAtt"]![0], StringComparison.Ordinal);
        Assert.Equal(8, (int)target["RetryPolicy"]!["MaximumRetryAttempts"]!);
        // The message: constant JSON around the data bucket's name, which comes from the storage stack.
        var parts = target["Input"]!["Fn::Join"]![1]!.AsArray();
        Assert.Equal(3, parts.Count);
        Assert.Equal(StorageResource("DataBucket"), ImportedFromStorage(parts[1]!));
        var message = System.Text.Json.JsonDocument.Parse((string)parts[0]! + "the-data-bucket" + (string)parts[2]!).RootElement;
        Assert.Equal("""{"reconcile":"the-data-bucket"}""", message.GetRawText());
        Assert.Equal(ReconciliationTrigger.BucketProperty, message.EnumerateObject().Single().Name);
    }

    [Fact]
    public void The_context_sets_the_reconciliation_schedule()
    {
        var (_, lambda) = Synthesize(context: new Dictionary<string, object>
        {
            [LambdaStack.TrackingContext] = TrackingModeNames.Incremental,
            [ReconciliationTrigger.ScheduleContextKey] = "cron(15 3 ? * MON-FRI *)",
        });

        Assert.Equal("cron(15 3 ? * MON-FRI *)", (string?)Assert.Single(ScheduledRules(lambda)).Resource["Properties"]!["ScheduleExpression"]);
    }

    [Theory]
    [InlineData("rate(1 minute)")]
    [InlineData("rate(1 hour)")]
    [InlineData("rate(12 hours)")]
    [InlineData("rate(7 days)")]
    [InlineData("cron(0 3 * * ? *)")]
    [InlineData("cron(0/15 * ? * MON-FRI *)")]
    [InlineData("cron(0 12 L * ? 2027)")]
    public void A_schedule_expression_eventbridge_takes_is_taken_as_it_is(string expression) =>
        Assert.Equal(expression, LambdaStack.ReconcileScheduleOf(expression));

    [Theory]
    [InlineData("rate(1 days)")]
    [InlineData("rate(2 day)")]
    [InlineData("rate(0 minutes)")]
    [InlineData("rate(30 seconds)")]
    [InlineData("Rate(1 day)")]
    [InlineData("rate(1 day) ")]
    [InlineData("daily")]
    [InlineData("cron(0 3 * * * *)")]
    [InlineData("cron(0 3 ? * ? *)")]
    [InlineData("cron(0 3 * * ?)")]
    [InlineData("cron(0  3 * * ? *)")]
    public void A_schedule_eventbridge_would_refuse_is_refused_naming_the_context_key(string expression)
    {
        var error = Assert.Throws<ArgumentException>(() => LambdaStack.ReconcileScheduleOf(expression));

        Assert.StartsWith("assignment3:reconcile-schedule must be an EventBridge schedule expression", error.Message, StringComparison.Ordinal);
        Assert.EndsWith($"not \"{expression}\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_blank_schedule_is_the_default_daily_one() =>
        Assert.Equal((ReconciliationTrigger.DefaultSchedule, "rate(1 day)"), (LambdaStack.ReconcileScheduleOf(" "), LambdaStack.ReconcileScheduleOf(null)));

    /// <summary>A bad schedule stops synth in either mode; in listing mode a good one is said to have no effect.</summary>
    [Fact]
    public void An_invalid_schedule_stops_synth_and_a_schedule_in_listing_mode_is_warned_about()
    {
        var error = Assert.Throws<ArgumentException>(() => Synthesize(context: new Dictionary<string, object> { [ReconciliationTrigger.ScheduleContextKey] = "rate(1 days)" }));
        Assert.Contains("assignment3:reconcile-schedule must be", error.Message, StringComparison.Ordinal);

        var (_, listing) = Build(context: new Dictionary<string, object> { [ReconciliationTrigger.ScheduleContextKey] = "rate(2 days)" });
        Annotations.FromStack(listing).HasWarning("*", Match.StringLikeRegexp("assignment3:reconcile-schedule has no effect: reconciliation is part of incremental tracking.*"));
        Assert.Empty(ScheduledRules(Template.FromStack(listing)));
        Assert.Empty(Annotations.FromStack(Build().Lambda).FindWarning("*", Match.StringLikeRegexp(".*reconcile-schedule.*")));
    }

    /// <summary>In incremental mode, the object events' rule and the reconciliation schedule may send to the queue, each under its own ARN, and nothing else.</summary>
    [Fact]
    public void Only_the_object_event_rule_and_the_reconciliation_schedule_may_send_to_the_queue()
    {
        var queue = Resources(IncrementalLambda, "AWS::SQS::Queue").Single(q => q.Id.StartsWith(QueueId, StringComparison.Ordinal)).Id;
        var sends = Resources(IncrementalLambda, "AWS::SQS::QueuePolicy")
            .Where(p => p.Resource["Properties"]!["Queues"]!.AsArray().Any(q => (string?)q!["Ref"] == queue))
            .SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray()).Select(s => s!.AsObject())
            .Where(s => (string?)s["Effect"] == "Allow").ToList();

        Assert.All(sends, s => Assert.Equal("events.amazonaws.com", (string?)s["Principal"]!["Service"]));
        Assert.Equal(Resources(IncrementalLambda, "AWS::Events::Rule").Select(r => r.Id).Order(StringComparer.Ordinal),
            sends.Select(s => (string)s["Condition"]!["ArnEquals"]!["aws:SourceArn"]!["Fn::GetAtt"]![0]!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("size-tracking", "provided.al2023", "bootstrap")]
    [InlineData("plotting", "provided.al2023", "bootstrap")]
    [InlineData("driver", "dotnet10", "Assignment3.Functions.Driver::Assignment3.Functions.Driver.DriverFunction::Handle")]
    public void Size_tracking_and_plotting_run_native_on_provided_al2023_and_the_driver_on_dotnet10_all_on_arm64_by_default(string name, string runtime, string handler)
    {
        var properties = FunctionNamed(name).Resource["Properties"]!;

        Assert.Equal(runtime, (string?)properties["Runtime"]);
        Assert.Equal(handler, (string?)properties["Handler"]);
        Assert.Equal("arm64", (string?)properties["Architectures"]![0]);
    }

    [Fact]
    public void Functions_get_the_settings_they_read()
    {
        var driver = FunctionNamed("driver").Resource["Properties"]!["Environment"]!["Variables"]!.AsObject();

        foreach (var variable in new[] { "TABLE_NAME", "SIZE_INDEX_NAME", "DATA_BUCKET_NAME", "PLOT_BUCKET_NAME", "PLOT_API_URL" })
        {
            Assert.True(driver.ContainsKey(variable), variable);
        }

        Assert.Equal("GSI_SizeByBucket", (string?)driver["SIZE_INDEX_NAME"]);
        Assert.True(FunctionNamed("plotting").Resource["Properties"]!["Environment"]!["Variables"]!.AsObject().ContainsKey("PLOT_BUCKET_NAME"));
    }

    [Fact]
    public void The_rule_matches_object_created_and_deleted_of_the_data_bucket_only()
    {
        var pattern = Resources(Lambda, "AWS::Events::Rule").Single().Resource["Properties"]!["EventPattern"]!;

        Assert.Equal("""["aws.s3"]""", pattern["source"]!.ToJsonString());
        Assert.Equal("""["Object Created","Object Deleted"]""", pattern["detail-type"]!.ToJsonString());
        var name = Assert.Single(pattern["detail"]!["bucket"]!["name"]!.AsArray());
        Assert.Equal(StorageResource("DataBucket"), ImportedFromStorage(name!));
    }

    /// <summary>The logical id in the storage stack of the one bucket whose id starts with <paramref name="prefix"/>.</summary>
    private static string StorageResource(string prefix, string type = "AWS::S3::Bucket") =>
        Resources(Storage, type).Select(r => r.Id).Single(id => id.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>
    /// The storage stack's resource that a cross-stack value (Fn::ImportValue of one of its exports) refers to, by its
    /// <c>Ref</c> (a name) or, with <paramref name="reference"/> <c>Fn::GetAtt</c>, one of its attributes (an ARN).
    /// </summary>
    private static string ImportedFromStorage(JsonNode value, string reference = "Ref")
    {
        var exportName = (string)value["Fn::ImportValue"]!;
        var output = Json(Storage)["Outputs"]!.AsObject().Single(o => (string?)o.Value!["Export"]?["Name"] == exportName).Value!;
        return reference == "Ref" ? (string)output["Value"]!["Ref"]! : (string)output["Value"]![reference]![0]!;
    }

    private const string QueueId = "SizeTrackingObjectEvents";
    private const string FailedEventsId = "SizeTrackingFailedEvents026944BF";

    private static (string Id, JsonObject Resource) ObjectEventQueue() =>
        Resources(Lambda, "AWS::SQS::Queue").Single(q => q.Id.StartsWith(QueueId, StringComparison.Ordinal));

    [Fact]
    public void The_rule_sends_to_the_queue_with_retries_and_a_dead_letter_queue()
    {
        var target = Resources(Lambda, "AWS::Events::Rule").Single().Resource["Properties"]!["Targets"]!.AsArray().Single()!;

        Assert.Equal(ObjectEventQueue().Id, (string?)target["Arn"]!["Fn::GetAtt"]![0]);
        Assert.StartsWith("UndeliverableObjectEvents", (string?)target["DeadLetterConfig"]!["Arn"]!["Fn::GetAtt"]![0], StringComparison.Ordinal);
        Assert.Equal(8, (int)target["RetryPolicy"]!["MaximumRetryAttempts"]!);
    }

    [Fact]
    public void Only_this_rule_may_send_to_the_queue_and_only_over_tls()
    {
        var statements = Resources(Lambda, "AWS::SQS::QueuePolicy")
            .Where(p => p.Resource["Properties"]!["Queues"]!.AsArray().Any(q => (string?)q!["Ref"] == ObjectEventQueue().Id))
            .SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray()).Select(s => s!.AsObject()).ToList();

        var send = statements.Single(s => (string?)s["Effect"] == "Allow");
        Assert.Equal("events.amazonaws.com", (string?)send["Principal"]!["Service"]);
        Assert.Equal(["sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"], Actions(send).Order(StringComparer.Ordinal));
        Assert.Equal(Resources(Lambda, "AWS::Events::Rule").Single().Id, (string?)send["Condition"]!["ArnEquals"]!["aws:SourceArn"]!["Fn::GetAtt"]![0]);
        var deny = statements.Single(s => (string?)s["Effect"] == "Deny");
        Assert.Equal("false", (string?)deny["Condition"]!["Bool"]!["aws:SecureTransport"]);
    }

    [Fact]
    public void The_queue_is_encrypted_outlives_six_function_timeouts_and_moves_a_message_after_five_receives()
    {
        var properties = ObjectEventQueue().Resource["Properties"]!;

        Assert.True((bool)properties["SqsManagedSseEnabled"]!);
        Assert.Equal((6 * 60) + 2, (int)properties["VisibilityTimeout"]!);
        Assert.Equal(4 * 24 * 3600, (int)properties["MessageRetentionPeriod"]!);
        Assert.Equal(FailedEventsId, (string?)properties["RedrivePolicy"]!["deadLetterTargetArn"]!["Fn::GetAtt"]![0]);
        Assert.Equal(5, (int)properties["RedrivePolicy"]!["maxReceiveCount"]!);
    }

    [Fact]
    public void Size_tracking_reads_the_queue_in_batches_reporting_partial_failures_at_most_two_at_once()
    {
        var mapping = Resources(Lambda, "AWS::Lambda::EventSourceMapping").Single().Resource["Properties"]!;

        Assert.Equal(FunctionNamed("size-tracking").Id, (string?)mapping["FunctionName"]!["Ref"]);
        Assert.Equal(ObjectEventQueue().Id, (string?)mapping["EventSourceArn"]!["Fn::GetAtt"]![0]);
        Assert.Equal(1000, (int)mapping["BatchSize"]!);
        Assert.Equal(2, (int)mapping["MaximumBatchingWindowInSeconds"]!);
        Assert.Equal(["ReportBatchItemFailures"], mapping["FunctionResponseTypes"]!.AsArray().Select(t => (string)t!));
        Assert.Equal(2, (int)mapping["ScalingConfig"]!["MaximumConcurrency"]!);
    }

    [Fact]
    public void Size_tracking_is_no_longer_invoked_asynchronously()
    {
        Lambda.ResourceCountIs("AWS::Lambda::EventInvokeConfig", 0);
        Assert.DoesNotContain(Resources(Lambda, "AWS::Lambda::Permission"),
            p => (string?)p.Resource["Properties"]!["FunctionName"]!["Fn::GetAtt"]?[0] == FunctionNamed("size-tracking").Id);
    }

    [Fact]
    public void The_plot_method_is_a_post_with_iam_authorization()
    {
        Lambda.ResourceCountIs("AWS::ApiGateway::Method", 1);
        Lambda.HasResourceProperties("AWS::ApiGateway::Method", Match.ObjectLike(Props(
            ("HttpMethod", "POST"),
            ("AuthorizationType", "AWS_IAM"),
            ("Integration", Match.ObjectLike(Props(("Type", "AWS_PROXY")))))));
    }

    [Fact]
    public void The_stage_is_throttled_and_writes_access_logs()
    {
        Lambda.HasResourceProperties("AWS::ApiGateway::Stage", Match.ObjectLike(Props(
            ("StageName", "prod"),
            ("AccessLogSetting", Match.ObjectLike(Props(("DestinationArn", Props(("Fn::GetAtt", new[] { AccessLogGroupId(), "Arn" })))))),
            ("MethodSettings", Match.ArrayWith([Match.ObjectLike(Props(("ThrottlingRateLimit", 5), ("ThrottlingBurstLimit", 10)))])))));
    }

    [Theory]
    [InlineData("size-tracking", 60)]
    [InlineData("plotting", 29)]
    [InlineData("driver", 180)]
    public void Each_function_is_told_its_own_timeout_so_it_can_stop_before_it(string name, int seconds)
    {
        var properties = FunctionNamed(name).Resource["Properties"]!;

        Assert.Equal(seconds, (int)properties["Timeout"]!);
        Assert.Equal($"{seconds}", (string?)properties["Environment"]!["Variables"]![FunctionSettingNames.FunctionTimeout]);
    }

    [Theory]
    [InlineData("size-tracking")]
    [InlineData("plotting")]
    [InlineData("driver")]
    public void Each_function_gets_the_memory_and_timeout_its_catalog_entry_gives(string name)
    {
        var spec = FunctionCatalog.Find(name)!;
        var properties = FunctionNamed(name).Resource["Properties"]!;

        Assert.Equal(spec.MemoryMb, (int)properties["MemorySize"]!);
        Assert.Equal(spec.TimeoutSeconds, (int)properties["Timeout"]!);
    }

    [Theory]
    [InlineData("size-tracking")]
    [InlineData("plotting")]
    [InlineData("driver")]
    public void Each_function_logs_in_lambdas_json_format_at_info_and_above(string name)
    {
        var logging = FunctionNamed(name).Resource["Properties"]!["LoggingConfig"]!;

        Assert.Equal("JSON", (string?)logging["LogFormat"]);
        Assert.Equal("INFO", (string?)logging["ApplicationLogLevel"]);
        Assert.Equal("INFO", (string?)logging["SystemLogLevel"]);
    }

    [Fact]
    public void Plotting_is_invoked_only_by_the_api()
    {
        var (plottingId, _) = FunctionNamed("plotting");
        var permissions = Resources(Lambda, "AWS::Lambda::Permission")
            .Where(p => (string?)p.Resource["Properties"]!["FunctionName"]!["Fn::GetAtt"]?[0] == plottingId).ToList();

        Assert.NotEmpty(permissions);
        Assert.All(permissions, p => Assert.Equal("apigateway.amazonaws.com", (string?)p.Resource["Properties"]!["Principal"]));
        Assert.DoesNotContain(Resources(Lambda, "AWS::Lambda::EventSourceMapping"), m => (string?)m.Resource["Properties"]!["FunctionName"]!["Ref"] == plottingId);
        Assert.DoesNotContain(Resources(Lambda, "AWS::Events::Rule").SelectMany(r => r.Resource["Properties"]!["Targets"]!.AsArray()),
            t => (string?)t!["Arn"]!["Fn::GetAtt"]![0] == plottingId);
    }

    [Fact]
    public void Size_tracking_may_only_list_the_data_bucket_read_and_append_the_history_and_consume_its_queue()
    {
        Assert.Equal(
            ["dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:Query", "s3:ListBucket", "sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
            AllActions("size-tracking").Order(StringComparer.Ordinal));
        var consume = Statements("size-tracking").Single(s => Actions(s).Contains("sqs:ReceiveMessage"));
        Assert.Equal(ObjectEventQueue().Id, (string?)consume["Resource"]!["Fn::GetAtt"]![0]);
    }

    [Fact]
    public void Plotting_may_only_query_the_table_and_its_index_and_put_and_get_in_the_plot_bucket()
    {
        Assert.Equal(["dynamodb:Query", "s3:GetObject", "s3:PutObject"], AllActions("plotting").Order(StringComparer.Ordinal));
        var query = Statements("plotting").Single(s => Actions(s).Contains("dynamodb:Query"));
        Assert.Contains("/index/GSI_SizeByBucket", query["Resource"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_driver_may_change_the_data_bucket_read_the_history_and_invoke_only_the_plot_method()
    {
        Assert.Equal(
            ["dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:Query", "execute-api:Invoke", "s3:DeleteObject", "s3:ListBucket", "s3:PutObject"],
            AllActions("driver").Order(StringComparer.Ordinal));
        var invoke = Statements("driver").Single(s => Actions(s).Contains("execute-api:Invoke"));
        Assert.EndsWith("/POST/plot\"]]}", invoke["Resource"]!.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>Each action of each role, and the logical resource it is granted on (by the name the ARN comes from).</summary>
    [Theory]
    [InlineData("size-tracking", "s3:ListBucket", "DataBucket")]
    [InlineData("size-tracking", "dynamodb:PutItem", "SizeHistoryTable")]
    [InlineData("size-tracking", "dynamodb:Query", "SizeHistoryTable")]
    [InlineData("size-tracking", "dynamodb:BatchGetItem", "SizeHistoryTable")]
    [InlineData("size-tracking", "sqs:ReceiveMessage", "SizeTrackingObjectEvents")]
    [InlineData("plotting", "dynamodb:Query", "SizeHistoryTable")]
    [InlineData("plotting", "s3:PutObject", "PlotBucket")]
    [InlineData("plotting", "s3:GetObject", "PlotBucket")]
    [InlineData("driver", "s3:ListBucket", "DataBucket")]
    [InlineData("driver", "s3:PutObject", "DataBucket")]
    [InlineData("driver", "s3:DeleteObject", "DataBucket")]
    [InlineData("driver", "dynamodb:Query", "SizeHistoryTable")]
    [InlineData("driver", "execute-api:Invoke", "PlotApi")]
    public void Each_action_is_granted_on_its_one_resource(string function, string action, string resource)
    {
        var statement = Statements(function).Single(s => Actions(s).Contains(action));

        var resources = statement["Resource"] is JsonArray many ? many.Select(r => r!.ToJsonString()).ToList() : [statement["Resource"]!.ToJsonString()];
        Assert.All(resources, r => Assert.Contains(resource, r, StringComparison.Ordinal));
    }

    [Fact]
    public void Only_x_ray_actions_which_have_no_resource_level_permissions_are_granted_on_every_resource()
    {
        var statements = Resources(Lambda, "AWS::IAM::Policy").Concat(Resources(Storage, "AWS::IAM::Policy"))
            .SelectMany(p => p.Resource["Properties"]!["PolicyDocument"]!["Statement"]!.AsArray().Select(s => s!.AsObject()));

        var everywhere = statements.Where(s => s["Resource"]!.ToJsonString() == "\"*\"").ToList();

        Assert.Equal(3, everywhere.Count);
        Assert.All(everywhere, s => Assert.Equal(["xray:PutTelemetryRecords", "xray:PutTraceSegments"], Actions(s).Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("size-tracking")]
    [InlineData("plotting")]
    [InlineData("driver")]
    public void Each_function_is_traced(string name) =>
        Assert.Equal("Active", (string?)FunctionNamed(name).Resource["Properties"]!["TracingConfig"]!["Mode"]);

    [Fact]
    public void The_stage_is_traced_and_logs_executions_without_bodies()
    {
        Lambda.HasResourceProperties("AWS::ApiGateway::Stage", Match.ObjectLike(Props(
            ("TracingEnabled", true),
            ("MethodSettings", Match.ArrayWith([Match.ObjectLike(Props(("LoggingLevel", "INFO"), ("DataTraceEnabled", false)))])))));
    }

    [Fact]
    public void The_account_level_logging_role_is_kept_when_the_stack_is_destroyed()
    {
        Lambda.HasResource("AWS::ApiGateway::Account", Match.ObjectLike(Props(("DeletionPolicy", "Retain"))));
        Assert.Contains(Resources(Lambda, "AWS::IAM::Role"), r => r.Id.StartsWith("PlotApiCloudWatchRole", StringComparison.Ordinal)
            && (string?)r.Resource["DeletionPolicy"] == "Retain");
    }

    [Fact]
    public void Every_accepted_cdk_nag_finding_says_why_where_it_arises()
    {
        var suppressions = Resources(Lambda, "AWS::IAM::Policy").Concat(Resources(Lambda, "AWS::SQS::Queue")).Concat(Resources(Lambda, "AWS::Lambda::Function"))
            .SelectMany(r => r.Resource["Metadata"]?["cdk_nag"]?["rules_to_suppress"]?.AsArray() ?? []).ToList();

        Assert.NotEmpty(suppressions);
        Assert.All(suppressions, rule =>
        {
            Assert.Matches("^(AwsSolutions|Serverless)-[A-Za-z0-9]+$", (string?)rule!["id"]);
            Assert.True(((string?)rule["reason"])?.Length >= 40, $"the reason for {rule["id"]} says too little");
        });
    }

    [Fact]
    public void Functions_log_to_their_own_groups_kept_a_month_and_removed_on_destroy()
    {
        // Three functions, the API's access logs and its execution logs: every group the stack's resources write to.
        Lambda.ResourceCountIs("AWS::Logs::LogGroup", 5);
        Lambda.AllResources("AWS::Logs::LogGroup", Match.ObjectLike(Props(
            ("DeletionPolicy", "Delete"),
            ("Properties", Match.ObjectLike(Props(("RetentionInDays", 30)))))));
        Assert.All(Resources(Lambda, "AWS::Lambda::Function"), f => Assert.NotNull(f.Resource["Properties"]!["LoggingConfig"]!["LogGroup"]));
        Assert.All(Statements("size-tracking").Where(s => Actions(s).Any(a => a.StartsWith("logs:", StringComparison.Ordinal))),
            s => Assert.Contains("SizeTrackingLogs", s["Resource"]!.ToJsonString(), StringComparison.Ordinal));
    }

    private static string AccessLogGroupId() =>
        Resources(Lambda, "AWS::Logs::LogGroup").Single(g => g.Id.StartsWith("PlotApiAccessLogs", StringComparison.Ordinal)).Id;

    [Fact]
    public void Outputs_name_what_a_user_types_next_each_the_right_resource()
    {
        var outputs = Json(Lambda)["Outputs"]!.AsObject();
        string Ref(string output) => (string)outputs[output]!["Value"]!["Ref"]!;
        string OfType(string type, string prefix) => Resources(Lambda, type).Single(r => r.Id.StartsWith(prefix, StringComparison.Ordinal)).Id;

        Assert.Equal(FunctionNamed("driver").Id, Ref("DriverFunctionName"));
        Assert.Equal(OfType("AWS::SQS::Queue", "SizeTrackingFailedEvents"), Ref("SizeTrackingFailureQueueUrl"));
        Assert.Equal(OfType("AWS::SQS::Queue", "UndeliverableObjectEvents"), Ref("UndeliverableEventQueueUrl"));
        Assert.Equal(OfType("AWS::SNS::Topic", ""), Ref("AlarmTopicArn"));
        // https://<the API>.execute-api.<region>.<suffix>/<the prod stage>/plot: the API's own id, its stage, the method's path.
        var url = outputs["PlotApiUrl"]!["Value"]!.ToJsonString();
        var stage = Resources(Lambda, "AWS::ApiGateway::Stage").Single(r => (string?)r.Resource["Properties"]!["StageName"] == "prod").Id;
        Assert.Contains($$"""{"Ref":"{{OfType("AWS::ApiGateway::RestApi", "")}}"}""", url, StringComparison.Ordinal);
        Assert.Contains($$"""{"Ref":"{{stage}}"},"/plot"]""", url, StringComparison.Ordinal);
        // And the driver calls that very URL.
        Assert.Equal(outputs["PlotApiUrl"]!["Value"]!.ToJsonString(),
            FunctionNamed("driver").Resource["Properties"]!["Environment"]!["Variables"]!["PLOT_API_URL"]!.ToJsonString());
    }

    [Fact]
    public void The_stages_execution_log_group_is_declared_before_the_stage_with_retention_and_removed_on_destroy()
    {
        var (id, group) = Resources(Lambda, "AWS::Logs::LogGroup")
            .Single(g => g.Resource["Properties"]!["LogGroupName"]?.ToJsonString().Contains("API-Gateway-Execution-Logs_", StringComparison.Ordinal) == true);
        var name = group["Properties"]!["LogGroupName"]!.ToJsonString();
        var apiId = Resources(Lambda, "AWS::ApiGateway::RestApi").Single().Id;
        var stage = Resources(Lambda, "AWS::ApiGateway::Stage").Single().Resource;

        Assert.Contains($"{{\"Ref\":\"{apiId}\"}}", name, StringComparison.Ordinal);
        Assert.Contains($"/{LambdaStack.StageName}", name, StringComparison.Ordinal);
        Assert.Equal(30, (int)group["Properties"]!["RetentionInDays"]!);
        Assert.Equal("Delete", (string?)group["DeletionPolicy"]);
        Assert.Contains(id, stage["DependsOn"]!.AsArray().Select(d => (string?)d));
    }

    [Fact]
    public void The_driver_reads_and_writes_only_the_data_buckets_partition_of_the_history()
    {
        var statement = Assert.Single(Statements("driver"), s => Actions(s).Contains("dynamodb:PutItem"));
        var dataBucket = Resources(Lambda, "AWS::Lambda::Function").Select(f => f.Resource["Properties"]!)
            .Single(p => (string?)p["FunctionName"] == "assignment3-driver")["Environment"]!["Variables"]!["DATA_BUCKET_NAME"]!.ToJsonString();

        Assert.Equal(["dynamodb:BatchGetItem", "dynamodb:PutItem", "dynamodb:Query"], Actions(statement).Order(StringComparer.Ordinal));
        // Its records' partition and its summaries' partitions, each named from the data bucket's name.
        var leadingKeys = statement["Condition"]!["ForAllValues:StringEquals"]!["dynamodb:LeadingKeys"]!.AsArray();
        Assert.Equal(HistorySchema.PartitionsOf("x").Count, leadingKeys.Count);
        Assert.Equal(dataBucket, leadingKeys[0]!.ToJsonString());
        Assert.All(leadingKeys.Skip(1).Zip(HistorySchema.SummaryResolutionSeconds), pair =>
        {
            var parts = pair.First!["Fn::Join"]![1]!.AsArray();
            Assert.Equal($"summary#{pair.Second}#", (string?)parts[0]);
            Assert.Equal(dataBucket, parts[1]!.ToJsonString());
        });
    }
}
