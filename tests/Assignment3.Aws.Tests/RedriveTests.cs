using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;
using Assignment3.Adapters.Aws;
using Assignment3.Domain;

using Assignment3.Functions.SizeTracking;

namespace Assignment3.Aws.Tests;

/// <summary>
/// scripts/redrive.sh against a stand-in for the AWS CLI (Stand-ins/aws, first on PATH): the failure queue is a JSON
/// file with SQS's visibility rules, and <c>lambda invoke</c> runs the built size-tracking function through the CLI's
/// <c>invoke</c> verb against the emulators, so a replay writes real records.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class RedriveTests(EmulatorFixture emulators) : IDisposable
{
    private const string QueueUrl = "https://sqs.us-east-1.amazonaws.com/000000000000/Assignment3-Lambda-SizeTrackingFailedEvents";
    private const string FunctionName = "assignment3-size-tracking";
    private const int HoldSeconds = 120;

    private static readonly string Root = TestPaths.RepositoryRoot();
    private static readonly string StandIns = Path.Combine(Root, "tests", "Assignment3.Aws.Tests", "Stand-ins");
    private static readonly string Invoker = Path.Combine(Root, "src", "Adapters", "Cli", "bin",
        typeof(RedriveTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration, "net10.0", "assignment3.dll");

    private readonly string _directory = Directory.CreateTempSubdirectory("assignment3-redrive-").FullName;
    private readonly JsonArray _messages = [];
    private readonly Dictionary<string, string> _scriptEnvironment = [];

    private string StatePath => Path.Combine(_directory, "state.json");

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Two_parked_events_are_replayed_the_later_one_shown_by_the_first_ones_record_and_both_deleted()
    {
        var (table, bucket) = await TableAndBucketWithOneFiveByteObjectAsync();
        var first = Park(Event("11111111-0000-0000-0000-000000000001", bucket), "AmazonDynamoDBException", "Throughput exceeds the current capacity");
        var second = Park(Event("11111111-0000-0000-0000-000000000002", bucket, "Object Deleted"), "TaskCanceledException", "A task was canceled.");

        var run = await RunAsync(table);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Equal("replayed 2, failed 0, skipped 0", LastLine(run.Output));
        Assert.Contains($"replayed message={first} event=11111111-0000-0000-0000-000000000001 bucket={bucket} detail-type=\"Object Created\" " +
            "parked=\"RetriesExhausted after 3 attempt(s): AmazonDynamoDBException: Throughput exceeds the current capacity\" " +
            "result=\"recorded 1 object(s), 5 B\"", run.Output, StringComparison.Ordinal);
        // Both changes were complete long before the first replay listed the bucket (the samples are of 2021), so its
        // record shows the second as well: no second listing, no second record.
        Assert.Contains($"replayed message={second} event=11111111-0000-0000-0000-000000000002 bucket={bucket} detail-type=\"Object Deleted\" " +
            "parked=\"RetriesExhausted after 3 attempt(s): TaskCanceledException: A task was canceled.\" result=\"shown by a newer record, nothing written\"",
            run.Output, StringComparison.Ordinal);
        var records = await RecordsAsync(table, bucket);
        Assert.Equal([(5L, 1)], records.Select(r => (r.TotalSize, r.ObjectCount)));
        Assert.Equal(records[0].TimeMilliseconds, await MarkedTimeAsync(table, "11111111-0000-0000-0000-000000000001"));
        var state = State();
        Assert.Empty(state["messages"]!.AsArray());
        // The queue URL comes from the stack; each message is deleted right after its own replay succeeded.
        Assert.Equal(["cloudformation describe-stacks", "sqs receive-message", "lambda invoke", "sqs delete-message", "lambda invoke",
            "sqs delete-message", "sqs receive-message"], Operations(state));
        Assert.All(Calls(state, "lambda invoke"), call => Assert.Contains($"--function-name {FunctionName} --invocation-type RequestResponse", call, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_the_queues_redrive_policy_moved_is_replayed_as_it_is()
    {
        var (table, bucket) = await TableAndBucketWithOneFiveByteObjectAsync();
        var moved = ParkBody(Event("44444444-0000-0000-0000-000000000001", bucket).ToJsonString());

        var run = await RunAsync(table);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains($"replayed message={moved} event=44444444-0000-0000-0000-000000000001 bucket={bucket} detail-type=\"Object Created\" " +
            "parked=\"by the redrive policy of the queue size tracking reads (errors in its log group)\" result=\"recorded 1 object(s), 5 B\"", run.Output, StringComparison.Ordinal);
        Assert.Equal([(5L, 1)], (await RecordsAsync(table, bucket)).Select(r => (r.TotalSize, r.ObjectCount)));
        Assert.Empty(State()["messages"]!.AsArray());
    }

    [Fact]
    public async Task A_failing_replay_stays_in_the_queue_and_fails_the_run_while_a_good_one_is_replayed()
    {
        var (table, bucket) = await TableAndBucketWithOneFiveByteObjectAsync();
        var missingBucket = EmulatorFixture.UniqueName("missing");
        var bad = Park(Event("22222222-0000-0000-0000-000000000001", missingBucket), "NoSuchBucketException", "The specified bucket does not exist");
        var good = Park(Event("22222222-0000-0000-0000-000000000002", bucket), "AmazonS3Exception", "Service Unavailable");

        var run = await RunAsync(table);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("replayed 1, failed 1, skipped 0", LastLine(run.Output));
        var failedLine = Assert.Single(Lines(run.Output), line => line.StartsWith("failed ", StringComparison.Ordinal));
        Assert.StartsWith($"failed message={bad} event=22222222-0000-0000-0000-000000000001 bucket={missingBucket} ", failedLine, StringComparison.Ordinal);
        Assert.EndsWith("error=\"Unhandled: NoSuchBucketException: The specified bucket does not exist\" (kept in the queue; visible again in 120 s)",
            failedLine, StringComparison.Ordinal);
        Assert.Contains($"replayed message={good} ", run.Output, StringComparison.Ordinal);
        Assert.Single(await RecordsAsync(table, bucket));
        Assert.Empty(await RecordsAsync(table, missingBucket));
        // Kept, received once, and hidden for the hold: it comes back on its own later.
        var kept = Assert.Single(State()["messages"]!.AsArray())!;
        Assert.Equal(bad, (string)kept["MessageId"]!);
        Assert.Equal(1, (int)kept["ReceiveCount"]!);
        Assert.InRange((long)kept["VisibleAt"]! - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), (HoldSeconds - 60) * 1000L, HoldSeconds * 1000L);
    }

    [Fact]
    public async Task A_failed_message_that_shows_up_again_in_the_same_run_is_not_replayed_twice()
    {
        // A hold shorter than an invocation: the failed message is visible again before the next receive.
        _scriptEnvironment["REDRIVE_HOLD_SECONDS"] = "1";
        var (table, _) = await TableAndBucketWithOneFiveByteObjectAsync();
        var bad = Park(Event("22222222-1111-0000-0000-000000000001", EmulatorFixture.UniqueName("missing")), "NoSuchBucketException", "gone");

        var run = await RunAsync(table);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("replayed 0, failed 1, skipped 0", LastLine(run.Output));
        var state = State();
        Assert.Single(Calls(state, "lambda invoke"));
        // Received twice (the second time it was recognised and left alone), and the run ended there.
        var kept = Assert.Single(state["messages"]!.AsArray())!;
        Assert.Equal((bad, 2), ((string)kept["MessageId"]!, (int)kept["ReceiveCount"]!));
    }

    [Fact]
    public async Task A_dry_run_lists_every_message_and_neither_invokes_nor_deletes()
    {
        var (table, bucket) = await TableAndBucketWithOneFiveByteObjectAsync();
        // More than one receive's worth (10), so that the listing has to walk past the first batch.
        var parked = Enumerable.Range(1, 12).Select(n => $"33333333-0000-0000-0000-{n:D12}")
            .Select((eventId, n) => (Number: n + 1, Event: eventId, Message: Park(Event(eventId, bucket), "InvalidOperationException", $"failure number {n + 1}")))
            .ToList();

        var run = await RunAsync(table, "--dry-run");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        foreach (var (number, eventId, message) in parked)
        {
            var line = Assert.Single(Lines(run.Output), l => l.Contains($"message={message} ", StringComparison.Ordinal));
            Assert.Equal($"listed message={message} event={eventId} bucket={bucket} detail-type=\"Object Created\" " +
                $"parked=\"RetriesExhausted after 3 attempt(s): InvalidOperationException: failure number {number}\"", line);
        }

        Assert.Contains("dry run: would replay 12; nothing was invoked or deleted", run.Output, StringComparison.Ordinal);
        Assert.Equal("replayed 0, failed 0, skipped 0", LastLine(run.Output));
        var state = State();
        Assert.DoesNotContain(Operations(state), operation => operation is "lambda invoke" or "sqs delete-message");
        Assert.Empty((await emulators.DynamoDb.ScanAsync(new ScanRequest { TableName = table })).Items);
        // All still there, each received once, and visible again at once for the real run.
        var messages = state["messages"]!.AsArray();
        Assert.Equal(parked.Select(p => p.Message), messages.Select(m => (string)m!["MessageId"]!));
        Assert.All(messages, m => Assert.Equal(1, (int)m!["ReceiveCount"]!));
        Assert.All(messages, m => Assert.True((long)m!["VisibleAt"]! <= DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
    }

    [Fact]
    public async Task A_message_that_holds_no_event_is_skipped_and_kept()
    {
        var (table, bucket) = await TableAndBucketWithOneFiveByteObjectAsync();
        // JSON, but neither an EventBridge event (no detail-type) nor a destination record around one.
        var bare = ParkBody("""{"note":"someone else's message"}""");
        var garbled = ParkBody("not JSON at all");
        var good = Park(Event("44444444-0000-0000-0000-000000000002", bucket), "AmazonDynamoDBException", "Internal server error");

        var run = await RunAsync(table);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Equal("replayed 1, failed 0, skipped 2", LastLine(run.Output));
        Assert.Contains($"skipped message={bare} reason=\"neither an EventBridge event nor a Lambda destination record (no requestPayload)\" (kept in the queue)", run.Output, StringComparison.Ordinal);
        Assert.Contains($"skipped message={garbled} reason=\"the body is not JSON\" (kept in the queue)", run.Output, StringComparison.Ordinal);
        Assert.Contains($"replayed message={good} ", run.Output, StringComparison.Ordinal);
        var state = State();
        Assert.Equal([bare, garbled], state["messages"]!.AsArray().Select(m => (string)m!["MessageId"]!));
        Assert.Single(Calls(state, "lambda invoke"));
        Assert.Single(await RecordsAsync(table, bucket));
    }

    [Fact]
    public async Task Replaying_an_event_that_was_already_recorded_adds_no_record_and_clears_the_message()
    {
        // The function wrote its record, then failed anyway (say, it timed out after the write), so Lambda parked it.
        var (table, bucket) = await TableAndBucketWithOneFiveByteObjectAsync();
        var parkedEvent = Event("55555555-0000-0000-0000-000000000001", bucket);
        // Stamped a minute ahead, so that no record can show it and the replay meets its own marker.
        parkedEvent["time"] = FunctionHarness.EventTime(DateTimeOffset.UtcNow.AddMinutes(1));
        using (var function = new SizeTrackingFunction(FunctionHarness.Settings(table), new StringWriter()))
        {
            await FunctionHarness.InvokeAsync(function.Handle, parkedEvent.ToJsonString());
        }

        var message = Park(parkedEvent, "Sandbox.Timedout", "Task timed out after 60.00 seconds");

        var run = await RunAsync(table);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains($"replayed message={message} ", run.Output, StringComparison.Ordinal);
        Assert.Contains("result=\"already recorded, nothing written\"", run.Output, StringComparison.Ordinal);
        Assert.Equal("replayed 1, failed 0, skipped 0", LastLine(run.Output));
        Assert.Single(await RecordsAsync(table, bucket));
        Assert.Empty(State()["messages"]!.AsArray());
    }

    [Fact]
    public async Task Max_queue_url_and_function_are_honoured_and_the_stack_is_not_asked()
    {
        var (table, bucket) = await TableAndBucketWithOneFiveByteObjectAsync();
        var messages = Enumerable.Range(1, 3).Select(n => Park(Event($"66666666-0000-0000-0000-00000000000{n}", bucket), "Error", "e")).ToList();

        var run = await RunAsync(table, withStack: false, "--max", "2", "--queue-url", QueueUrl, "--function", FunctionName);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Contains("stopped after --max 2; more messages may be waiting", run.Output, StringComparison.Ordinal);
        Assert.Equal("replayed 2, failed 0, skipped 0", LastLine(run.Output));
        var state = State();
        // Only two were asked for, so the third was never received (never hidden).
        var untouched = Assert.Single(state["messages"]!.AsArray())!;
        Assert.Equal(messages[2], (string)untouched["MessageId"]!);
        Assert.Null(untouched["ReceiveCount"]);
        Assert.DoesNotContain("cloudformation describe-stacks", Operations(state));
        Assert.All(Calls(state, "sqs receive-message"), call => Assert.Contains("--max-number-of-messages 2", call, StringComparison.Ordinal));
        // The second replay's change (a sample of 2021) is shown by the first replay's record: one listing, one record.
        Assert.Single(await RecordsAsync(table, bucket));
    }

    [Fact]
    public async Task An_unknown_function_fails_every_message_and_keeps_them_all()
    {
        var (table, bucket) = await TableAndBucketWithOneFiveByteObjectAsync();
        Park(Event("77777777-0000-0000-0000-000000000001", bucket), "Error", "e");
        Park(Event("77777777-0000-0000-0000-000000000002", bucket), "Error", "e");

        var run = await RunAsync(table, "--function", "assignment3-size-trackin");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal("replayed 0, failed 2, skipped 0", LastLine(run.Output));
        Assert.Equal(2, Lines(run.Output).Count(line => line.StartsWith("failed ", StringComparison.Ordinal) && line.Contains("ResourceNotFoundException", StringComparison.Ordinal)));
        Assert.Equal(2, State()["messages"]!.AsArray().Count);
        Assert.Empty(await RecordsAsync(table, bucket));
    }

    [Fact]
    public async Task Without_the_stack_output_the_script_stops_and_says_to_pass_the_queue_url()
    {
        var run = await RunAsync("unused-table", withStack: false);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Stack with id Assignment3-Lambda does not exist", run.Error, StringComparison.Ordinal);
        Assert.Contains("(pass --queue-url)", run.Error, StringComparison.Ordinal);
        Assert.Equal(["cloudformation describe-stacks"], Operations(State()));
    }

    [Theory]
    [InlineData("--max", "0")]
    [InlineData("--max", "two")]
    [InlineData("--max")]
    [InlineData("--queue-url")]
    [InlineData("--replay-all")]
    public async Task A_bad_command_line_exits_2_before_any_call(params string[] arguments)
    {
        var run = await RunAsync("unused-table", arguments);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("usage: ", run.Error, StringComparison.Ordinal);
        Assert.Null(State()["calls"]);
    }

    [Theory]
    [InlineData(252, "does not implement 'aws sqs purge-queue'", "sqs", "purge-queue", "--queue-url", QueueUrl)]
    [InlineData(252, "Unknown options: --max-messages", "sqs", "receive-message", "--queue-url", QueueUrl, "--max-messages", "1")]
    [InlineData(252, "required: --receipt-handle", "sqs", "delete-message", "--queue-url", QueueUrl)]
    [InlineData(252, "only --output json", "sqs", "receive-message", "--queue-url", QueueUrl, "--output", "text")]
    [InlineData(252, "only --invocation-type RequestResponse", "lambda", "invoke", "--function-name", FunctionName, "--invocation-type", "Event", "out.json")]
    [InlineData(252, "required: outfile", "lambda", "invoke", "--function-name", FunctionName)]
    [InlineData(254, "(InvalidParameterValue)", "sqs", "receive-message", "--queue-url", QueueUrl, "--max-number-of-messages", "11")]
    [InlineData(254, "(ReceiptHandleIsInvalid)", "sqs", "delete-message", "--queue-url", QueueUrl, "--receipt-handle", "made-up")]
    [InlineData(254, "(AWS.SimpleQueueService.NonExistentQueue)", "sqs", "receive-message", "--queue-url", "https://sqs.us-east-1.amazonaws.com/000000000000/other")]
    public async Task The_stand_in_refuses_what_the_real_cli_would_refuse(int exitCode, string message, params string[] arguments)
    {
        WriteState("unused-table", withStack: true);

        var run = await RunProcessAsync(Path.Combine(StandIns, "aws"), arguments);

        Assert.Equal(exitCode, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Empty(run.Output);
    }

    private async Task<(string Table, string Bucket)> TableAndBucketWithOneFiveByteObjectAsync()
    {
        var table = await emulators.CreateTableAsync();
        var bucket = EmulatorFixture.UniqueName("redrive");
        await emulators.S3.PutBucketAsync(bucket);
        await new S3BlobStore(emulators.S3).PutAsync(bucket, "five.txt", "hello"u8.ToArray(), "text/plain", default);
        return (table, bucket);
    }

    /// <summary>The S3 user guide's "Object Created" sample, for another event id and bucket.</summary>
    private static JsonObject Event(string id, string bucket, string detailType = "Object Created")
    {
        var sample = JsonNode.Parse(File.ReadAllText(Path.Combine(Root, "docs", "events", "object-created.json")))!.AsObject();
        sample["id"] = id;
        sample["detail-type"] = detailType;
        sample["resources"] = new JsonArray($"arn:aws:s3:::{bucket}");
        sample["detail"]!["bucket"]!["name"] = bucket;
        return sample;
    }

    /// <summary>Queues the destination record Lambda sends on failure (the Lambda developer guide's format).</summary>
    private string Park(JsonObject parkedEvent, string errorType, string errorMessage) => ParkBody(new JsonObject
    {
        ["version"] = "1.0",
        ["timestamp"] = "2026-11-26T12:00:00.000Z",
        ["requestContext"] = new JsonObject
        {
            ["requestId"] = Guid.NewGuid().ToString(),
            ["functionArn"] = $"arn:aws:lambda:us-east-1:000000000000:function:{FunctionName}:$LATEST",
            ["condition"] = "RetriesExhausted",
            ["approximateInvokeCount"] = 3,
        },
        ["requestPayload"] = parkedEvent,
        ["responseContext"] = new JsonObject { ["statusCode"] = 200, ["executedVersion"] = "$LATEST", ["functionError"] = "Unhandled" },
        ["responsePayload"] = new JsonObject
        {
            ["errorType"] = errorType,
            ["errorMessage"] = errorMessage,
            ["stackTrace"] = new JsonArray("   at Assignment3.Functions.SizeTracking.SizeTrackingFunction.Handle(Stream input)"),
        },
    }.ToJsonString());

    private string ParkBody(string body)
    {
        var id = Guid.NewGuid().ToString();
        _messages.Add(new JsonObject { ["MessageId"] = id, ["Body"] = body });
        return id;
    }

    private void WriteState(string table, bool withStack)
    {
        var state = new JsonObject
        {
            ["queueUrl"] = QueueUrl,
            ["messages"] = _messages.DeepClone(),
            ["functions"] = new JsonObject { [FunctionName] = "size-tracking" },
            ["invoker"] = Invoker,
            ["environment"] = new JsonObject { ["TABLE_NAME"] = table },
        };
        if (withStack)
        {
            state["stacks"] = new JsonObject { ["Assignment3-Lambda"] = new JsonObject { ["SizeTrackingFailureQueueUrl"] = QueueUrl } };
        }

        File.WriteAllText(StatePath, state.ToJsonString());
    }

    private JsonNode State() => JsonNode.Parse(File.ReadAllText(StatePath))!;

    private static List<string> Operations(JsonNode state) =>
        [.. state["calls"]!.AsArray().Select(call => string.Join(' ', call!["args"]!.AsArray().Take(2).Select(a => (string)a!)))];

    private static List<string> Calls(JsonNode state, string operation) =>
        [.. state["calls"]!.AsArray().Select(call => string.Join(' ', call!["args"]!.AsArray().Select(a => (string)a!)))
            .Where(line => line.StartsWith(operation + " ", StringComparison.Ordinal))];

    private Task<(int ExitCode, string Output, string Error)> RunAsync(string table, params string[] arguments) =>
        RunAsync(table, withStack: true, arguments);

    private Task<(int ExitCode, string Output, string Error)> RunAsync(string table, bool withStack, params string[] arguments)
    {
        WriteState(table, withStack);
        return RunProcessAsync(Path.Combine(Root, "scripts", "redrive.sh"), arguments);
    }

    private async Task<(int ExitCode, string Output, string Error)> RunProcessAsync(string program, string[] arguments)
    {
        // Bash and PATH lookup need Unix; a checkout that dropped the executable bit would fail obscurely.
        Assert.True(!OperatingSystem.IsWindows() && File.GetUnixFileMode(Path.Combine(StandIns, "aws")).HasFlag(UnixFileMode.UserExecute),
            "Stand-ins/aws must be executable on a Unix machine (git update-index --chmod=+x)");
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The stand-in comes first, so no real AWS CLI is ever reached; the emulators' settings are inherited.
        start.Environment["PATH"] = StandIns + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH");
        start.Environment["AWS_STAND_IN_STATE"] = StatePath;
        foreach (var (name, value) in _scriptEnvironment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish: {await output}{await error}");
        }

        return (process.ExitCode, await output, await error);
    }

    private static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string LastLine(string text) => Lines(text)[^1];

    private async Task<IReadOnlyList<SizeRecord>> RecordsAsync(string table, string bucket) =>
        await new DynamoDbHistoryRepository(emulators.DynamoDb, table, DynamoDbHistoryRepositoryContract.IndexName)
            .GetRangeAsync(bucket, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, default);

    private async Task<long> MarkedTimeAsync(string table, string eventId)
    {
        var marker = await emulators.DynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = table,
            Key = new Dictionary<string, AttributeValue> { ["bucket_name"] = new() { S = "event#" + eventId }, ["time"] = new() { N = "0" } },
            ConsistentRead = true,
        });
        Assert.True(marker.IsItemSet, $"no idempotency marker for event {eventId}");
        return long.Parse(marker.Item["recorded_time"].N, System.Globalization.CultureInfo.InvariantCulture);
    }
}
