using System.Reflection;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Assignment3.Adapters.Aws;
using Assignment3.Adapters.Lambda;
using Assignment3.Catalog;
using Assignment3.Cli;

namespace Assignment3.Aws.Tests;

/// <summary><c>invoke</c> loads each function's build and calls its handler as the managed runtime would.</summary>
[Collection(EmulatorCollection.Name)]
public sealed class CliInvokeTests(EmulatorFixture emulators) : IDisposable
{
    private static readonly string Root = TestPaths.RepositoryRoot();

    private static readonly string FunctionsDirectory = Path.Combine(Root, "src", "Adapters", "Cli", "bin",
        typeof(CliInvokeTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration, "net10.0", "functions");

    private readonly List<string> _variables = [];

    private static string Sample(string name) => Path.Combine(Root, "docs", "events", name);

    private void Set(string name, string value)
    {
        _variables.Add(name);
        Environment.SetEnvironmentVariable(name, value);
    }

    public void Dispose() => _variables.ForEach(name => Environment.SetEnvironmentVariable(name, null));

    private static async Task<(int ExitCode, string Output, string Error)> Invoke(string function, string eventPath)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandLine.RunAsync(["invoke", function, eventPath, "--functions", FunctionsDirectory], output, error, default);
        return (exitCode, output.ToString(), error.ToString());
    }

    [Theory]
    [MemberData(nameof(Functions))]
    public void Every_handler_string_names_a_stream_in_stream_out_method_of_the_built_function(string name)
    {
        var function = FunctionCatalog.Find(name)!;

        var method = FunctionInvoker.Load(FunctionInvoker.BuiltAssembly(FunctionsDirectory, function), function.Handler);

        Assert.Equal(typeof(Task<Stream>).FullName, method.ReturnType.FullName);
    }

    public static TheoryData<string> Functions() => [.. FunctionCatalog.All.Select(f => f.Name)];

    [Fact]
    public async Task Size_tracking_accepts_the_user_guide_samples_with_the_emulators_behind_it()
    {
        var table = await emulators.CreateTableAsync();
        Set("TABLE_NAME", table);
        await FunctionHarness.EnsureBucketAsync(emulators.S3, "assignment3-data");

        var created = await Invoke("size-tracking", Sample("object-created.json"));
        var deleted = await Invoke("size-tracking", Sample("object-deleted.json"));

        Assert.True(created.ExitCode == 0, created.Error);
        Assert.True(deleted.ExitCode == 0, deleted.Error);
        Assert.Equal("assignment3-data", JsonDocument.Parse(created.Output).RootElement.GetProperty("bucket_name").GetString());
        // The function's logs: each invocation has a request id of Lambda's form, on every line it wrote.
        Assert.Contains("\"level\":\"INFO\"", created.Error, StringComparison.Ordinal);
        var createdIds = RequestIds(created.Error);
        var deletedIds = RequestIds(deleted.Error);
        Assert.True(Guid.TryParseExact(Assert.Single(createdIds), "D", out _), created.Error);
        Assert.NotEqual(Assert.Single(deletedIds), createdIds.Single());
        // Both samples are stamped 2021: the record the first listing wrote, long after, shows the deletion too.
        Assert.True(JsonDocument.Parse(deleted.Output).RootElement.GetProperty("covered").GetBoolean(), deleted.Output);
        var items = (await emulators.DynamoDb.ScanAsync(new ScanRequest { TableName = table })).Items;
        Assert.Equal(1, items.Count(i => i["bucket_name"].S == "assignment3-data"));
    }

    [Fact]
    public async Task Size_tracking_accepts_an_sqs_batch_and_prints_the_messages_to_deliver_again()
    {
        var table = await emulators.CreateTableAsync();
        Set("TABLE_NAME", table);
        await FunctionHarness.EnsureBucketAsync(emulators.S3, "assignment3-data");
        using var folder = new TempDirectory();
        await File.WriteAllTextAsync(folder["batch.json"], FunctionHarness.SqsBatch([
            ("m-1", FunctionHarness.ObjectCreated("assignment3-data", "e-1")), ("m-2", "not an event"), ("m-3", FunctionHarness.ObjectCreated("assignment3-data", "e-2"))]));

        var (exitCode, output, error) = await Invoke("size-tracking", folder["batch.json"]);

        Assert.True(exitCode == 0, error);
        Assert.Equal("""{"batchItemFailures":[{"itemIdentifier":"m-2"}]}""", output.Trim());
        Assert.Single((await emulators.DynamoDb.ScanAsync(new ScanRequest { TableName = table })).Items, i => i["bucket_name"].S == "assignment3-data");
    }

    /// <summary>
    /// <c>invoke</c> passes the environment to the function as Lambda would, TRACKING_MODE and OBJECT_STATE_TABLE_NAME
    /// included: tracked incrementally, the bucket is reconciled once (it never was), then the batch's events are applied
    /// to the object states in their table, and the record shows them.
    /// </summary>
    [Fact]
    public async Task Size_tracking_honours_the_tracking_mode_of_the_environment()
    {
        var table = await emulators.CreateTableAsync();
        var objects = await emulators.CreateObjectStateTableAsync();
        Set("TABLE_NAME", table);
        Set("TRACKING_MODE", "incremental");
        Set("OBJECT_STATE_TABLE_NAME", objects);
        var bucket = EmulatorFixture.UniqueName("incremental");
        await FunctionHarness.EnsureBucketAsync(emulators.S3, bucket);
        var blobs = new S3BlobStore(emulators.S3);
        await blobs.PutAsync(bucket, "a.bin", new byte[5], "application/octet-stream", default);
        await blobs.PutAsync(bucket, "b.bin", new byte[7], "application/octet-stream", default);
        using var folder = new TempDirectory();
        await File.WriteAllTextAsync(folder["batch.json"], FunctionHarness.SqsBatch([
            ("m-1", FunctionHarness.ObjectCreated(bucket, "e-1", key: "a.bin", size: 5)), ("m-2", FunctionHarness.ObjectCreated(bucket, "e-2", key: "b.bin", size: 7))]));

        var (exitCode, output, error) = await Invoke("size-tracking", folder["batch.json"]);

        Assert.True(exitCode == 0, error);
        Assert.Equal("""{"batchItemFailures":[]}""", output.Trim());
        var record = (await new DynamoDbHistoryRepository(emulators.DynamoDb, table, DynamoDbHistoryRepositoryContract.IndexName)
            .GetRangeAsync(bucket, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, default))[^1];
        Assert.Equal((12L, 2), (record.TotalSize, record.ObjectCount));
        var states = new DynamoDbObjectStateStore(emulators.DynamoDb, objects);
        Assert.Equal(new Domain.Ports.BucketTotals(12, 2, 0), await states.GetTotalsAsync(bucket, default));
        Assert.Equal(["a.bin", "b.bin"], (await states.GetRangeAsync(bucket, Domain.Ports.KeyRange.All, default)).Keys.Order(StringComparer.Ordinal));
    }

    private static async Task<(int ExitCode, string Output, string Error)> Reconcile(string bucket)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CommandLine.RunAsync(["reconcile", bucket, "--functions", FunctionsDirectory], output, error, default);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// <c>reconcile</c> runs the size-tracking build with the environment the stack gives it: a real bucket holding
    /// objects the state never heard of, a state holding a key the bucket no longer has. Afterwards the totals and a new
    /// record equal the listing, and the printed line states the drift.
    /// </summary>
    [Fact]
    public async Task Reconcile_brings_the_state_and_the_history_back_to_the_listing_and_prints_the_drift()
    {
        var table = await emulators.CreateTableAsync();
        var objects = await emulators.CreateObjectStateTableAsync();
        Set("TABLE_NAME", table);
        Set("OBJECT_STATE_TABLE_NAME", objects);
        Set("TRACKING_MODE", "incremental");
        var bucket = EmulatorFixture.UniqueName("drifted");
        await FunctionHarness.EnsureBucketAsync(emulators.S3, bucket);
        var blobs = new S3BlobStore(emulators.S3);
        foreach (var (key, size) in new[] { ("known.bin", 5), ("unseen-1.bin", 7), ("unseen-2.bin", 11) })
        {
            await blobs.PutAsync(bucket, key, new byte[size], "application/octet-stream", default);
        }

        // What tracking believes: known.bin as it is, and gone.bin, deleted since without an event (written an hour ago).
        var states = new DynamoDbObjectStateStore(emulators.DynamoDb, objects);
        var anHourAgo = DateTimeOffset.UtcNow.AddHours(-1);
        await states.ApplyAsync(bucket, [
            new("known.bin", new Domain.Ports.ObjectState(Domain.Ports.ObjectStatus.Present, 5, null, null, "01"), 0, anHourAgo.ToUnixTimeMilliseconds()),
            new("gone.bin", new Domain.Ports.ObjectState(Domain.Ports.ObjectStatus.Present, 3, null, null, "01"), 0, anHourAgo.ToUnixTimeMilliseconds())],
            new Domain.Ports.BucketTotals(8, 2, 0), default);
        var history = new DynamoDbHistoryRepository(emulators.DynamoDb, table, DynamoDbHistoryRepositoryContract.IndexName);
        await history.AppendAsync(new Domain.SizeRecord(bucket, anHourAgo, 8, 2), null, default);

        var (exitCode, output, error) = await Reconcile(bucket);

        Assert.True(exitCode == 0, error);
        Assert.Equal($"bucket {bucket} reconciled: 3 object(s) listed, 3 state(s) corrected, drift +15 B and +1 object(s), 0 confirmation(s)", output.Trim());
        Assert.Equal(new Domain.Ports.BucketTotals(23, 3, 0), await states.GetTotalsAsync(bucket, default));
        var records = await history.GetRangeAsync(bucket, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, default);
        Assert.Equal([(8L, 2), (23L, 3)], records.Select(r => (r.TotalSize, r.ObjectCount)));
        Assert.Equal(Domain.Ports.ObjectStatus.Deleted, (await states.GetAsync(bucket, ["gone.bin"], default))["gone.bin"].State.Status);
        // The function's logs went to the error writer, the reconciliation's own line among them.
        Assert.Contains($"Reconciled bucket {bucket}", error, StringComparison.Ordinal);

        var again = await Reconcile(bucket);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.EndsWith("0 state(s) corrected, drift 0 B and 0 object(s), 0 confirmation(s)", again.Output.Trim(), StringComparison.Ordinal);
        Assert.Equal(2, (await history.GetRangeAsync(bucket, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, default)).Count);
    }

    [Fact]
    public async Task Reconcile_without_the_state_table_or_in_listing_mode_exits_1_saying_what_is_missing()
    {
        var table = await emulators.CreateTableAsync();
        Set("TABLE_NAME", table);
        Set("TRACKING_MODE", "incremental");

        var noTable = await Reconcile("assignment3-data");
        Set("TRACKING_MODE", "listing");
        var listing = await Reconcile("assignment3-data");

        Assert.Equal((1, ""), (noTable.ExitCode, noTable.Output));
        Assert.Contains("error: reconciliation of assignment3-data failed: environment variable OBJECT_STATE_TABLE_NAME is not set", noTable.Error, StringComparison.Ordinal);
        Assert.Equal((1, ""), (listing.ExitCode, listing.Output));
        Assert.Contains("error: reconciliation of assignment3-data failed: asked to reconcile bucket assignment3-data, but reconciliation is part of incremental tracking",
            listing.Error, StringComparison.Ordinal);
        Assert.Empty((await emulators.DynamoDb.ScanAsync(new ScanRequest { TableName = table })).Items);
    }

    [Theory]
    [InlineData("Not_A_Bucket", "error: bucket 'Not_A_Bucket' may hold only lowercase letters")]
    [InlineData("ab", "error: bucket must be 3 to 63 characters long, was 2")]
    public async Task Reconcile_of_a_bad_bucket_name_is_a_usage_error_and_nothing_is_called(string bucket, string problem)
    {
        Set("TABLE_NAME", "unused");

        var (exitCode, output, error) = await Reconcile(bucket);

        Assert.Equal((2, ""), (exitCode, output));
        Assert.StartsWith(problem, error, StringComparison.Ordinal);
        Assert.DoesNotContain("\"level\"", error, StringComparison.Ordinal); // the function never ran, so it logged nothing
    }

    // The request id of every JSON line (a line without one counts as an empty id, so it shows up as a second id).
    private static List<string> RequestIds(string log) =>
    [
        .. log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith('{'))
            .Select(l => JsonDocument.Parse(l).RootElement.TryGetProperty("requestId", out var id) ? id.GetString()! : "").Distinct(),
    ];

    [Fact]
    public async Task A_malformed_event_exits_1_with_a_clear_error_and_writes_nothing()
    {
        var table = await emulators.CreateTableAsync();
        Set("TABLE_NAME", table);

        var (exitCode, output, error) = await Invoke("size-tracking", Sample("malformed-not-s3.json"));

        Assert.Equal(1, exitCode);
        Assert.Empty(output);
        Assert.Contains("error: size-tracking failed: InvalidEventException: event source must be 'aws.s3', was 'aws.ec2'", error, StringComparison.Ordinal);
        Assert.Empty((await emulators.DynamoDb.ScanAsync(new ScanRequest { TableName = table })).Items);
    }

    [Fact]
    public async Task Plotting_answers_the_sample_api_request_with_a_proxy_response()
    {
        var table = await emulators.CreateTableAsync();
        var plots = EmulatorFixture.UniqueName("plots");
        await emulators.S3.PutBucketAsync(plots);
        await new DynamoDbHistoryRepository(emulators.DynamoDb, table, DynamoDbHistoryRepositoryContract.IndexName)
            .AppendAsync(new Domain.SizeRecord("assignment3-data", DateTimeOffset.UtcNow, 18, 1), null, default);
        Set("TABLE_NAME", table);
        Set("DATA_BUCKET_NAME", "assignment3-data");
        Set("PLOT_BUCKET_NAME", plots);

        var (exitCode, output, error) = await Invoke("plotting", Sample("plotting-request.json"));

        Assert.True(exitCode == 0, error);
        var response = JsonDocument.Parse(output).RootElement;
        Assert.Equal(200, response.GetProperty("statusCode").GetInt32());
        Assert.Contains($"s3://{plots}/assignment3-data/", response.GetProperty("body").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_event_file_is_a_usage_error_and_nothing_is_called()
    {
        var (exitCode, output, error) = await Invoke("size-tracking", Sample("no-such-event.json"));

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Contains("no-such-event.json' not found", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_function_is_a_usage_error()
    {
        var (exitCode, _, error) = await Invoke("resize", Sample("object-created.json"));

        Assert.Equal(2, exitCode);
        Assert.Contains("'resize' not recognized", error, StringComparison.Ordinal);
        Assert.Contains("size-tracking", error, StringComparison.Ordinal);
    }
}
