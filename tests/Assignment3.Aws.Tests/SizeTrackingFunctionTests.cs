using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Assignment3.Adapters.Aws;
using Assignment3.Adapters.Lambda;
using Assignment3.Functions.SizeTracking;

namespace Assignment3.Aws.Tests;

[Collection(EmulatorCollection.Name)]
public sealed class SizeTrackingFunctionTests(EmulatorFixture emulators)
{
    // The S3 user guide's samples name this bucket.
    private const string SampleBucket = "assignment3-data";

    // The user guide's samples, stamped with the time of the change the test just made, as EventBridge stamps it.
    private static string Sample(string name)
    {
        var sample = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot(), "docs", "events", name)))!;
        sample["time"] = FunctionHarness.EventTime(DateTimeOffset.UtcNow);
        return sample.ToJsonString();
    }

    private async Task<(SizeTrackingFunction Function, string Table, StringWriter Log)> CreateAsync(IReadOnlyDictionary<string, string>? more = null)
    {
        var table = await emulators.CreateTableAsync();
        var log = new StringWriter();
        return (new SizeTrackingFunction(FunctionHarness.Settings(table, more: more), log), table, log);
    }

    private async Task<List<Dictionary<string, AttributeValue>>> ItemsAsync(string table) =>
        (await emulators.DynamoDb.ScanAsync(new ScanRequest { TableName = table })).Items;

    [Fact]
    public async Task The_user_guide_samples_record_the_bucket_after_a_create_and_after_a_delete_and_report_it_as_metrics()
    {
        var (function, table, log) = await CreateAsync();
        using var _function = function;
        await FunctionHarness.EnsureBucketAsync(emulators.S3, SampleBucket);
        await new S3BlobStore(emulators.S3).PutAsync(SampleBucket, "assignment1.txt", "Empty Assignment 1"u8.ToArray(), "text/plain", default);

        var created = JsonDocument.Parse(await FunctionHarness.InvokeAsync(function.Handle, Sample("object-created.json"))).RootElement;
        await emulators.S3.DeleteObjectAsync(SampleBucket, "assignment1.txt");
        var deleted = JsonDocument.Parse(await FunctionHarness.InvokeAsync(function.Handle, Sample("object-deleted.json"))).RootElement;

        Assert.Equal((1, 18L, false), (created.GetProperty("object_cnt").GetInt32(), created.GetProperty("total_size").GetInt64(), created.GetProperty("duplicate").GetBoolean()));
        var metrics = FunctionHarness.MetricLines(log);
        Assert.Equal([(18.0, 1.0), (0.0, 0.0)], metrics.Select(m => (m.GetProperty("BucketSizeBytes").GetDouble(), m.GetProperty("ObjectCount").GetDouble())));
        Assert.All(metrics, m => Assert.Equal(SampleBucket, m.GetProperty("BucketName").GetString()));
        Assert.Equal((0, 0L), (deleted.GetProperty("object_cnt").GetInt32(), deleted.GetProperty("total_size").GetInt64()));
        var records = await new DynamoDbHistoryRepository(emulators.DynamoDb, table, DynamoDbHistoryRepositoryContract.IndexName)
            .GetRangeAsync(SampleBucket, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, default);
        Assert.Equal([18L, 0L], records.Select(r => r.TotalSize));
    }

    [Fact]
    public async Task The_same_event_delivered_twice_leaves_one_record_and_one_data_point()
    {
        var (function, table, log) = await CreateAsync();
        using var _function = function;
        await FunctionHarness.EnsureBucketAsync(emulators.S3, SampleBucket);

        var first = JsonDocument.Parse(await FunctionHarness.InvokeAsync(function.Handle, Sample("object-created.json"))).RootElement;
        var again = JsonDocument.Parse(await FunctionHarness.InvokeAsync(function.Handle, Sample("object-created.json"))).RootElement;

        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.GetProperty("time").GetInt64(), again.GetProperty("time").GetInt64());
        Assert.Single(await ItemsAsync(table), item => item["bucket_name"].S == SampleBucket);
        Assert.Contains(FunctionHarness.LogLines(log), line => line.GetProperty("message").GetString()!.Contains("was recorded before", StringComparison.Ordinal));
        // A repeat adds no data point: the metric counts changes recorded, not deliveries (docs/deploy.md, Metrics).
        var metric = Assert.Single(FunctionHarness.MetricLines(log));
        Assert.Equal(first.GetProperty("time").GetInt64(), metric.GetProperty("_aws").GetProperty("Timestamp").GetInt64());
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("""{"source":"aws.s3","detail-type":"Object Created","id":"x","detail":{}}""", "no detail.bucket.name")]
    [InlineData("""{"source":"aws.ec2","detail-type":"Object Created","id":"x","detail":{"bucket":{"name":"assignment3-data"}}}""", "source must be 'aws.s3'")]
    [InlineData("""{"source":"aws.s3","detail-type":"Object Created","id":"x","detail":{"bucket":{"name":"Not_A_Bucket"}}}""", "BucketName")]
    public async Task A_malformed_event_fails_the_invocation_with_one_json_error_line_and_writes_nothing(string payload, string problem)
    {
        var (function, table, log) = await CreateAsync();
        using var _function = function;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => FunctionHarness.InvokeAsync(function.Handle, payload));

        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        var errorLine = Assert.Single(FunctionHarness.LogLines(log), line => line.GetProperty("level").GetString() == "ERROR");
        Assert.Contains(problem, errorLine.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Empty(await ItemsAsync(table));
    }

    [Fact]
    public async Task A_missing_table_name_fails_the_first_invocation_naming_the_variable()
    {
        using var function = new SizeTrackingFunction(new FunctionSettings(_ => null), new StringWriter());

        var error = await Assert.ThrowsAsync<MissingSettingException>(() => FunctionHarness.InvokeAsync(function.Handle, Sample("object-created.json")));

        Assert.Contains("TABLE_NAME", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("incremetal")]
    [InlineData("INCREMENTAL")]
    public async Task A_tracking_mode_outside_the_choices_fails_the_first_invocation_naming_the_variable_and_writes_nothing(string mode)
    {
        var (function, table, _) = await CreateAsync(new Dictionary<string, string> { [Catalog.FunctionSettingNames.TrackingMode] = mode });
        using var _function = function;

        var error = await Assert.ThrowsAsync<MissingSettingException>(() => FunctionHarness.InvokeAsync(function.Handle, Sample("object-created.json")));

        Assert.Equal($"environment variable TRACKING_MODE must be listing or incremental, was '{mode}'", error.Message);
        Assert.Empty(await ItemsAsync(table));
    }

    [Fact]
    public async Task The_driver_without_a_plot_api_url_fails_naming_the_variable()
    {
        using var driver = new Functions.Driver.DriverFunction(
            FunctionHarness.Settings("some-table", "some-bucket"), new StringWriter(), Domain.UseCases.DemoSettings.Default);

        var error = await Assert.ThrowsAsync<MissingSettingException>(() => FunctionHarness.InvokeAsync(driver.Handle, "{}"));

        Assert.Contains("PLOT_API_URL", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Tracked as a user would run it, in either mode (<c>TRACKING_MODE</c>, as the stack sets it): real changes in the
    /// S3 emulator (creates, overwrites, deletes) to a bucket that starts empty, their events as S3 sends them, in SQS
    /// batches as Lambda delivers them, shuffled, and every batch delivered a second time. Listing lists at most once
    /// per delivered batch; incremental lists once, to reconcile the bucket before its first batch (it never was), and never
    /// again. The second delivery writes nothing, and the history ends on what a listing says.
    /// </summary>
    [Theory]
    [InlineData("listing")]
    [InlineData("incremental")]
    public async Task Batches_of_real_changes_shuffled_and_delivered_twice_end_on_the_listings_totals(string mode)
    {
        await using var s3 = new FaultProxy(emulators.S3Endpoint);
        var (function, table, log) = await CreateAsync(new Dictionary<string, string>
        {
            [Catalog.FunctionSettingNames.TrackingMode] = mode,
            [Catalog.FunctionSettingNames.ObjectStateTable] = await emulators.CreateObjectStateTableAsync(),
            [Adapters.Aws.DependencyInjection.S3EndpointVariable] = s3.Endpoint.ToString(),
        });
        using var _function = function;
        var bucket = EmulatorFixture.UniqueName("batches");
        await FunctionHarness.EnsureBucketAsync(emulators.S3, bucket);
        var events = new List<string>();
        void Collect(string line)
        {
            if (JsonDocument.Parse(line).RootElement.TryGetProperty("detail", out var detail) && detail.GetProperty("bucket").GetProperty("name").GetString() == bucket)
            {
                lock (events)
                {
                    events.Add(line);
                }
            }
        }

        emulators.S3EventReceived += Collect;
        var store = new S3BlobStore(emulators.S3);
        var random = new Random(16);
        var changes = 0;
        var present = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            for (var n = 0; n < 60; n++, changes++)
            {
                // Deletes of keys that exist only: S3 sends no event for a key that was not there.
                var key = $"k/{random.Next(0, 12)}";
                if (random.Next(0, 4) == 0 && present.Remove(key))
                {
                    await store.DeleteAsync(bucket, [key], default);
                }
                else
                {
                    await store.PutAsync(bucket, key, new byte[random.Next(1, 50)], "application/octet-stream", default);
                    present.Add(key);
                }
            }

            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (Count() < changes && waited.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(50);
            }
        }
        finally
        {
            emulators.S3EventReceived -= Collect;
        }

        int Count()
        {
            lock (events)
            {
                return events.Count;
            }
        }

        Assert.Equal(changes, events.Count);
        var messages = events.Select(e => (MessageId: Guid.NewGuid().ToString(), Body: e)).OrderBy(_ => random.Next()).ToList();
        var batches = messages.Chunk(25).ToList();
        foreach (var batch in batches)
        {
            var answer = await FunctionHarness.InvokeAsync(function.Handle, FunctionHarness.SqsBatch(batch));
            Assert.Empty(FunctionHarness.BatchItemFailures(answer));
        }

        var afterFirst = await RecordsAsync(table, bucket);
        foreach (var batch in Enumerable.Reverse(batches))
        {
            var answer = await FunctionHarness.InvokeAsync(function.Handle, FunctionHarness.SqsBatch(batch.OrderBy(_ => random.Next()), receiveCount: 2));
            Assert.Empty(FunctionHarness.BatchItemFailures(answer));
        }

        var records = await RecordsAsync(table, bucket);
        Assert.Equal(afterFirst, records);
        // Incremental: the first reconciliation writes a record of its own before the first batch's.
        var reconciliations = mode == "incremental" ? 1 : 0;
        Assert.InRange(records.Count, 1, batches.Count + reconciliations);
        var listings = s3.Requests.Count(r => r.Method == "GET" && r.Query.Contains("list-type=2", StringComparison.Ordinal));
        // Listing: once per batch delivered at most (a second delivery lists again unless a record began after its changes).
        // Incremental: the first reconciliation's listing alone (one page).
        Assert.InRange(listings, 1, mode == "listing" ? 2 * batches.Count : 1);
        // One size point per record, the first reconciliation's included (TrackedChanges reports the reconciliation it ran
        // inside a batch), and one drift point per reconciliation.
        var metrics = FunctionHarness.MetricLines(log);
        Assert.Equal(records.Count, metrics.Count(line => line.TryGetProperty(Catalog.MetricNames.BucketSize, out _)));
        Assert.Equal(reconciliations, metrics.Count(line => line.TryGetProperty(Catalog.MetricNames.DriftBytes, out _)));
        var listing = (await emulators.S3.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [];
        Assert.Equal((listing.Sum(o => o.Size ?? 0), listing.Count), (records[^1].TotalSize, records[^1].ObjectCount));
    }

    [Fact]
    public async Task A_bad_message_and_a_failing_bucket_are_reported_alone_and_the_rest_of_the_batch_is_tracked()
    {
        var (function, table, log) = await CreateAsync();
        using var _function = function;
        await FunctionHarness.EnsureBucketAsync(emulators.S3, SampleBucket);
        var missing = EmulatorFixture.UniqueName("missing");

        var answer = await FunctionHarness.InvokeAsync(function.Handle, FunctionHarness.SqsBatch([
            ("good-1", FunctionHarness.ObjectCreated(SampleBucket, "e-1")),
            ("not-json", "{not json"),
            ("no-bucket", FunctionHarness.ObjectCreated(missing, "e-2")),
            ("good-2", FunctionHarness.ObjectCreated(SampleBucket, "e-3")),
        ]));

        Assert.Equal(["not-json", "no-bucket"], FunctionHarness.BatchItemFailures(answer));
        Assert.Single(await RecordsAsync(table, SampleBucket));
        Assert.Empty(await RecordsAsync(table, missing));
        var errors = FunctionHarness.LogLines(log).Where(line => line.GetProperty("level").GetString() == "ERROR").Select(l => l.GetProperty("message").GetString()!).ToList();
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("message not-json is not an S3 object event", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(missing, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bare_event_that_a_newer_record_shows_costs_no_listing_and_says_so()
    {
        var (function, table, _) = await CreateAsync();
        using var _function = function;
        await FunctionHarness.EnsureBucketAsync(emulators.S3, SampleBucket);
        var first = JsonDocument.Parse(await FunctionHarness.InvokeAsync(function.Handle, FunctionHarness.ObjectCreated(SampleBucket, "now"))).RootElement;

        var old = JsonDocument.Parse(await FunctionHarness.InvokeAsync(function.Handle,
            FunctionHarness.ObjectCreated(SampleBucket, "an-hour-ago", time: DateTimeOffset.UtcNow.AddHours(-1)))).RootElement;

        Assert.Equal((true, true, first.GetProperty("time").GetInt64()), (old.GetProperty("duplicate").GetBoolean(), old.GetProperty("covered").GetBoolean(), old.GetProperty("time").GetInt64()));
        Assert.Single(await RecordsAsync(table, SampleBucket));
    }

    // Incremental mode with its own state table; returns the function, both tables and the log.
    private async Task<(SizeTrackingFunction Function, string Table, string Objects, StringWriter Log)> CreateIncrementalAsync()
    {
        var objects = await emulators.CreateObjectStateTableAsync();
        var (function, table, log) = await CreateAsync(new Dictionary<string, string>
        {
            [Catalog.FunctionSettingNames.TrackingMode] = Catalog.TrackingModeNames.Incremental,
            [Catalog.FunctionSettingNames.ObjectStateTable] = objects,
        });
        return (function, table, objects, log);
    }

    private static string Reconcile(string bucket) => $$"""{"reconcile":"{{bucket}}"}""";

    /// <summary>
    /// The schedule's message in a batch of events: the events are tracked as before, then the bucket is reconciled
    /// with a listing (objects the state never heard of are counted), and the drift is written as metrics of the bucket.
    /// </summary>
    [Fact]
    public async Task A_reconcile_message_in_a_batch_reconciles_its_bucket_after_the_events_and_writes_the_drift_as_metrics()
    {
        var (function, table, objects, log) = await CreateIncrementalAsync();
        using var _function = function;
        var bucket = EmulatorFixture.UniqueName("reconciled");
        await FunctionHarness.EnsureBucketAsync(emulators.S3, bucket);
        var blobs = new S3BlobStore(emulators.S3);
        await blobs.PutAsync(bucket, "tracked.bin", new byte[5], "application/octet-stream", default);
        await FunctionHarness.InvokeAsync(function.Handle, FunctionHarness.SqsBatch([("m-0", FunctionHarness.ObjectCreated(bucket, "e-0", key: "tracked.bin", size: 5))]));
        // Changes whose events never came: tracking does not know of them.
        await blobs.PutAsync(bucket, "unseen-1.bin", new byte[7], "application/octet-stream", default);
        await blobs.PutAsync(bucket, "unseen-2.bin", new byte[11], "application/octet-stream", default);
        var before = FunctionHarness.MetricLines(log).Count;

        var answer = await FunctionHarness.InvokeAsync(function.Handle, FunctionHarness.SqsBatch([("reconcile", Reconcile(bucket))]));

        Assert.Empty(FunctionHarness.BatchItemFailures(answer));
        Assert.Equal(new Domain.Ports.BucketTotals(23, 3, 0), await new DynamoDbObjectStateStore(emulators.DynamoDb, objects).GetTotalsAsync(bucket, default));
        var latest = (await RecordsAsync(table, bucket))[^1];
        Assert.Equal((23L, 3), (latest.TotalSize, latest.ObjectCount));
        var metric = Assert.Single(FunctionHarness.MetricLines(log).Skip(before));
        Assert.Equal((18.0, 2.0, 23.0, 3.0, bucket), (metric.GetProperty("ReconciliationDriftBytes").GetDouble(), metric.GetProperty("ReconciliationDriftObjects").GetDouble(),
            metric.GetProperty("BucketSizeBytes").GetDouble(), metric.GetProperty("ObjectCount").GetDouble(), metric.GetProperty("BucketName").GetString()));
        Assert.Equal(latest.TimeMilliseconds, metric.GetProperty("_aws").GetProperty("Timestamp").GetInt64());
        Assert.Equal(["BucketName"], metric.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions")[0].EnumerateArray().Select(d => d.GetString()));
        Assert.Contains(FunctionHarness.LogLines(log), line => line.GetProperty("message").GetString()!.Contains($"Reconciled bucket {bucket}", StringComparison.Ordinal));

        // Nothing drifted since: a zero data point, and no record.
        var records = (await RecordsAsync(table, bucket)).Count;
        Assert.Empty(FunctionHarness.BatchItemFailures(await FunctionHarness.InvokeAsync(function.Handle, FunctionHarness.SqsBatch([("again", Reconcile(bucket))]))));
        var zero = FunctionHarness.MetricLines(log)[^1];
        Assert.Equal((0.0, 0.0, false), (zero.GetProperty("ReconciliationDriftBytes").GetDouble(), zero.GetProperty("ReconciliationDriftObjects").GetDouble(), zero.TryGetProperty("BucketSizeBytes", out _)));
        Assert.Equal(records, (await RecordsAsync(table, bucket)).Count);
    }

    /// <summary>
    /// A reconciliation that fails (its bucket cannot be listed), a malformed reconcile message, and each other's
    /// messages: each failing message is named alone, with one JSON error line, and the events are tracked.
    /// </summary>
    [Fact]
    public async Task A_failing_or_malformed_reconcile_message_fails_alone_and_the_events_are_tracked()
    {
        var (function, table, _, log) = await CreateIncrementalAsync();
        using var _function = function;
        var bucket = EmulatorFixture.UniqueName("tracked");
        await FunctionHarness.EnsureBucketAsync(emulators.S3, bucket);
        var missing = EmulatorFixture.UniqueName("missing");

        var answer = await FunctionHarness.InvokeAsync(function.Handle, FunctionHarness.SqsBatch([
            ("event", FunctionHarness.ObjectCreated(bucket, "e-1", key: "a.bin", size: 0)),
            ("no-such-bucket", Reconcile(missing)),
            ("bad-name", """{"reconcile":"Not_A_Bucket"}"""),
            ("no-name", """{"reconcile":null}"""),
            ("fine", Reconcile(bucket)),
        ]));

        Assert.Equal(["bad-name", "no-name", "no-such-bucket"], FunctionHarness.BatchItemFailures(answer).Order(StringComparer.Ordinal));
        Assert.NotEmpty(await RecordsAsync(table, bucket));
        var errors = FunctionHarness.LogLines(log).Where(line => line.GetProperty("level").GetString() == "ERROR").Select(l => l.GetRawText()).ToList();
        Assert.True(errors.Count == 3, string.Join("\n", errors));
        Assert.Single(errors, e => e.Contains("message bad-name is a malformed reconcile message", StringComparison.Ordinal) && e.Contains("Not_A_Bucket", StringComparison.Ordinal));
        Assert.Single(errors, e => e.Contains("message no-name is a malformed reconcile message", StringComparison.Ordinal) && e.Contains("as a string", StringComparison.Ordinal));
        Assert.Single(errors, e => e.Contains("ReconcileBucket failed", StringComparison.Ordinal) && e.Contains("bucket does not exist", StringComparison.Ordinal));
        // The pipeline's error names no bucket; a warning says which bucket and which message.
        var warning = Assert.Single(FunctionHarness.LogLines(log), line => line.GetProperty("level").GetString() == "WARN").GetProperty("message").GetString();
        Assert.Equal($"reconciliation of bucket {missing} failed (error above); message(s) no-such-bucket reported as failed, for the failure queue", warning);
    }

    /// <summary>Listing mode keeps no object states: a reconcile message fails, saying why, and is not dropped.</summary>
    [Fact]
    public async Task In_listing_mode_a_reconcile_message_fails_saying_reconciliation_is_part_of_incremental_tracking()
    {
        var (function, table, log) = await CreateAsync();
        using var _function = function;
        await FunctionHarness.EnsureBucketAsync(emulators.S3, SampleBucket);

        var answer = await FunctionHarness.InvokeAsync(function.Handle, FunctionHarness.SqsBatch([
            ("event", FunctionHarness.ObjectCreated(SampleBucket, "e-1")), ("reconcile", Reconcile(SampleBucket))]));
        var bare = await Assert.ThrowsAsync<InvalidOperationException>(() => FunctionHarness.InvokeAsync(function.Handle, Reconcile(SampleBucket)));

        Assert.Equal(["reconcile"], FunctionHarness.BatchItemFailures(answer));
        Assert.Single(await RecordsAsync(table, SampleBucket));
        Assert.Contains("reconciliation is part of incremental tracking", bare.Message, StringComparison.Ordinal);
        var errors = FunctionHarness.LogLines(log).Where(line => line.GetProperty("level").GetString() == "ERROR").ToList();
        Assert.Equal(2, errors.Count);
        Assert.All(errors, e => Assert.Contains("reconciliation is part of incremental tracking", e.GetRawText(), StringComparison.Ordinal));
        Assert.Contains("message(s) reconcile reported as failed", errors[0].GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bare_reconcile_invocation_answers_what_the_reconciliation_found_and_a_malformed_one_fails()
    {
        var (function, _, _, log) = await CreateIncrementalAsync();
        using var _function = function;
        var bucket = EmulatorFixture.UniqueName("bare");
        await FunctionHarness.EnsureBucketAsync(emulators.S3, bucket);
        await new S3BlobStore(emulators.S3).PutAsync(bucket, "x.bin", new byte[9], "application/octet-stream", default);

        var answer = JsonDocument.Parse(await FunctionHarness.InvokeAsync(function.Handle, Reconcile(bucket))).RootElement;
        var malformed = await Assert.ThrowsAsync<InvalidEventException>(() => FunctionHarness.InvokeAsync(function.Handle, """{"reconcile":"Bad"}"""));

        Assert.Equal((bucket, 1L, 1, 9L, 1L), (answer.GetProperty("bucket_name").GetString(), answer.GetProperty("objects_listed").GetInt64(),
            answer.GetProperty("corrected").GetInt32(), answer.GetProperty("drift_bytes").GetInt64(), answer.GetProperty("drift_objects").GetInt64()));
        Assert.Equal($"bucket {bucket} reconciled: 1 object(s) listed, 1 state(s) corrected, drift +9 B and +1 object(s), 0 confirmation(s)",
            answer.GetProperty("summary").GetString());
        Assert.True(answer.GetProperty("record_time").GetInt64() > 0);
        Assert.Contains("the bucket name 'Bad'", malformed.Message, StringComparison.Ordinal);
        Assert.Single(FunctionHarness.LogLines(log), line => line.GetProperty("level").GetString() == "ERROR");
    }

    [Fact]
    public async Task Incremental_tracking_without_its_state_table_fails_the_first_invocation_naming_the_variable()
    {
        var (function, table, _) = await CreateAsync(new Dictionary<string, string> { [Catalog.FunctionSettingNames.TrackingMode] = "incremental" });
        using var _function = function;

        var error = await Assert.ThrowsAsync<MissingSettingException>(() => FunctionHarness.InvokeAsync(function.Handle, Sample("object-created.json")));

        Assert.Equal("environment variable OBJECT_STATE_TABLE_NAME is not set; the function cannot run without it", error.Message);
        Assert.Empty(await ItemsAsync(table));
    }

    private async Task<List<Domain.SizeRecord>> RecordsAsync(string table, string bucket) =>
        [.. await new DynamoDbHistoryRepository(emulators.DynamoDb, table, DynamoDbHistoryRepositoryContract.IndexName)
            .GetRangeAsync(bucket, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, default)];
}
