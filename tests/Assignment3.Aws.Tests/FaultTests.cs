using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Assignment3.Adapters.Aws;
using Assignment3.Adapters.Lambda;
using Assignment3.Catalog;
using Assignment3.Domain;
using Assignment3.Domain.Ports;
using Assignment3.Functions.SizeTracking;
using AwsSetup = Assignment3.Adapters.Aws.DependencyInjection;

namespace Assignment3.Aws.Tests;

/// <summary>
/// The failures AWS documents, made to happen: a proxy in front of DynamoDB Local (or s3rver) commits a write and
/// answers 500, throttles, holds a response, refuses connections, or delays a listing's answer. After the invocation
/// and at most two retries of the same event (as Lambda's asynchronous retries would), the bucket has exactly one
/// record for the event, no invocation that reported success lost its record, and every failed invocation failed
/// with one JSON error line naming the cause.
/// </summary>
[Collection(EmulatorCollection.Name)]
public sealed class FaultTests(EmulatorFixture emulators)
{
    // Every kind of write, so that the faults hit whatever write scheme the repository uses.
    private static bool IsWrite(ProxiedRequest request) =>
        request.Target?.Split('.')[^1] is "TransactWriteItems" or "PutItem" or "DeleteItem" or "UpdateItem" or "BatchWriteItem";

    [Theory]
    [InlineData(1)] // the first delivery's write
    [InlineData(2)] // the next write: with a record-then-marker scheme, the marker; here, the repeated delivery's
    public async Task A_write_that_committed_but_answered_500_leaves_exactly_one_record(int nthWrite)
    {
        await using var scenario = await Scenario.StartAsync(emulators);
        scenario.DynamoDb.CommitThenFail(nthWrite, IsWrite);

        var first = await scenario.InvokeAsync();
        var again = await scenario.InvokeAsync();

        await scenario.AssertOneRecordAsync(first);
        Assert.False(first.GetProperty("duplicate").GetBoolean());
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Contains(scenario.DynamoDb.Requests, r => r.Status == 500);
        if (nthWrite == 1)
        {
            // The SDK's retry repeated the committed transaction with the same token, and DynamoDB answered it as done.
            // The token is the repository's own (32 hex digits); the SDK's default, which it sets only when a request
            // has none, would be a dashed GUID: the guarantee does not rest on that default.
            var attempts = scenario.DynamoDb.Requests.Where(IsWrite).Take(2).ToList();
            Assert.Equal([500, 200], attempts.Select(a => a.Status));
            Assert.Equal(ClientRequestToken(attempts[0]), ClientRequestToken(attempts[1]));
            Assert.Matches("^[0-9a-f]{32}$", ClientRequestToken(attempts[0]));
        }
    }

    [Fact]
    public async Task Throttles_within_the_sdk_retries_are_absorbed()
    {
        await using var scenario = await Scenario.StartAsync(emulators);
        scenario.DynamoDb.Throttle(3, IsWrite);

        var result = await scenario.InvokeAsync();

        await scenario.AssertOneRecordAsync(result);
        Assert.Equal(4, scenario.DynamoDb.Requests.Count(IsWrite));
    }

    [Fact]
    public async Task Throttles_beyond_the_sdk_retries_fail_the_invocation_and_lambdas_retry_records_once()
    {
        await using var scenario = await Scenario.StartAsync(emulators);
        scenario.DynamoDb.Throttle(AwsSetup.MaxRetries + 1, IsWrite);

        await scenario.AssertFailsAsync("ProvisionedThroughputExceeded");
        await scenario.AssertNoRecordAsync();
        var retried = await scenario.InvokeAsync();

        await scenario.AssertOneRecordAsync(retried);
    }

    [Theory]
    [InlineData("ThrottlingError")] // a transaction cancelled for lack of capacity
    [InlineData("TransactionConflict")] // a transaction cancelled by a concurrent one on the same item
    public async Task A_transaction_cancelled_without_a_failed_condition_is_tried_again(string code)
    {
        await using var scenario = await Scenario.StartAsync(emulators);
        scenario.DynamoDb.CancelTransaction(2, [code, "None"], IsWrite);

        var result = await scenario.InvokeAsync();

        await scenario.AssertOneRecordAsync(result);
        Assert.Equal(3, scenario.DynamoDb.Requests.Count(IsWrite));
    }

    [Fact]
    public async Task A_response_held_past_the_sdk_timeout_is_retried_and_the_committed_write_counts_once()
    {
        await using var scenario = await Scenario.StartAsync(emulators);
        scenario.DynamoDb.HoldResponse(AwsSetup.CallTimeout * 2, 1, IsWrite, forwardFirst: true);

        var result = await scenario.InvokeAsync();

        await scenario.AssertOneRecordAsync(result);
        Assert.Equal(2, scenario.DynamoDb.Requests.Count(IsWrite));
    }

    [Fact]
    public async Task Refused_connections_fail_the_invocation_clearly_and_lambdas_retry_records_once()
    {
        await using var scenario = await Scenario.StartAsync(emulators);
        scenario.DynamoDb.RefuseConnections();

        await scenario.AssertFailsAsync("onnection refused");
        scenario.DynamoDb.AcceptConnections();
        await scenario.AssertNoRecordAsync();
        var retried = await scenario.InvokeAsync();

        await scenario.AssertOneRecordAsync(retried);
    }

    [Fact]
    public async Task A_stalled_dependency_fails_the_invocation_before_the_function_timeout()
    {
        await using var scenario = await Scenario.StartAsync(emulators, functionTimeoutSeconds: 2);
        scenario.DynamoDb.HoldResponse(TimeSpan.FromMinutes(1), 1, IsWrite, forwardFirst: true);

        var clock = Stopwatch.StartNew();
        var error = await scenario.AssertFailsAsync("deadline");
        var elapsed = clock.Elapsed;

        Assert.IsType<InvocationDeadlineException>(error);
        // It gave up at its budget (the 2 s timeout less the 0.5 s margin), not before; a loaded machine may take
        // longer to unwind, so the upper bound only says the cancellation worked: without it, the held call would
        // have run into the SDK's 5 s call timeout and its retries.
        var budget = Assignment3.Adapters.Lambda.FunctionSettings.ShyOf(TimeSpan.FromSeconds(2));
        Assert.Contains($"its budget of {budget.TotalSeconds:F1} s", error.Message, StringComparison.Ordinal);
        Assert.InRange(elapsed, budget, budget + Assignment3.Adapters.Aws.DependencyInjection.CallTimeout);
        scenario.DynamoDb.Release();
        // The stalled write did commit: the retry finds it and writes nothing more.
        var retried = await scenario.InvokeAsync();
        Assert.True(retried.GetProperty("duplicate").GetBoolean());
        await scenario.AssertOneRecordAsync(retried);
    }

    [Fact]
    public async Task Overlapping_invocations_leave_a_latest_record_that_matches_the_bucket()
    {
        await using var scenario = await Scenario.StartAsync(emulators, proxyS3: true);
        static bool IsListing(ProxiedRequest request) => request.Method == "GET" && request.Query.Contains("list-type=2", StringComparison.Ordinal);
        scenario.S3!.HoldResponse(TimeSpan.FromMinutes(1), 1, IsListing, forwardFirst: true);

        // A lists {x} through the slow proxy; x is deleted; B lists {} directly and writes; then A's answer arrives.
        var late = scenario.InvokeAsync(eventId: "event-a");
        await scenario.S3.WhenAnswered(IsListing, 1);
        await emulators.S3.DeleteObjectAsync(scenario.Bucket, "x.bin");
        using var direct = new SizeTrackingFunction(FunctionHarness.Settings(scenario.Table), new StringWriter());
        var current = JsonDocument.Parse(await FunctionHarness.InvokeAsync(direct.Handle, scenario.Event("event-b"))).RootElement;
        scenario.S3.Release();
        var stale = await late;

        Assert.Equal(1, stale.GetProperty("object_cnt").GetInt32());
        Assert.Equal(0, current.GetProperty("object_cnt").GetInt32());
        var latest = await scenario.History.GetLatestAsync(scenario.Bucket, default);
        Assert.Equal((0, 0L), (latest!.ObjectCount, latest.TotalSize));
    }

    /// <summary>
    /// Another record of the same slots is appended between this append's read of its summaries and its transaction:
    /// the transaction's condition on the summaries fails, and the append reads again and counts both records.
    /// </summary>
    [Fact]
    public async Task A_summary_changed_after_it_was_read_is_read_again_and_both_records_count()
    {
        await using var scenario = await Scenario.StartAsync(emulators);
        var (first, second) = (new SizeRecord(scenario.Bucket, T0, 10, 1), new SizeRecord(scenario.Bucket, T0.AddMilliseconds(1), 30, 2));
        scenario.DynamoDb.HoldResponse(TimeSpan.FromMinutes(1), 1, IsBatchRead, forwardFirst: true);

        var slow = scenario.HistoryThroughProxy().AppendAsync(first, null, default);
        await scenario.DynamoDb.WhenAnswered(IsBatchRead, 1);
        Assert.Equal(AppendOutcome.Appended, (await scenario.History.AppendAsync(second, null, default)).Outcome);
        scenario.DynamoDb.Release();

        Assert.Equal(AppendOutcome.Appended, (await slow).Outcome);
        var transactions = scenario.DynamoDb.Requests.Where(IsWrite).ToList();
        Assert.Equal([400, 200], transactions.Select(t => t.Status));
        Assert.Equal(2, scenario.DynamoDb.Requests.Count(IsBatchRead));
        foreach (var resolution in SummaryResolutions.All)
        {
            var summary = Assert.Single(await scenario.History.GetSummariesAsync(scenario.Bucket, resolution, T0, T0, default));
            Assert.Equal((2L, first, second, second), (summary.Changes, summary.Smallest, summary.Largest, summary.Last));
        }
    }

    /// <summary>BatchGetItem may answer with some keys unprocessed (AWS: throttling, response size): they are asked again.</summary>
    [Fact]
    public async Task Summaries_left_unprocessed_by_the_batch_read_are_read_again()
    {
        await using var scenario = await Scenario.StartAsync(emulators);
        var record = new SizeRecord(scenario.Bucket, T0, 10, 1);
        await scenario.History.AppendAsync(record with { Time = T0.AddMilliseconds(5), TotalSize = 50 }, null, default);
        var keys = SummaryResolutions.All.Select(resolution => new Dictionary<string, object>
        {
            ["bucket_name"] = new Dictionary<string, string> { ["S"] = $"summary#{(long)resolution.TotalSeconds}#{scenario.Bucket}" },
            ["time"] = new Dictionary<string, string> { ["N"] = SizeSummary.SlotStart(record.Time, resolution).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }).ToList();
        var unprocessed = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["Responses"] = new Dictionary<string, object> { [scenario.Table] = Array.Empty<object>() },
            ["UnprocessedKeys"] = new Dictionary<string, object> { [scenario.Table] = new Dictionary<string, object> { ["Keys"] = keys, ["ConsistentRead"] = true } },
        });
        scenario.DynamoDb.Answer(1, 200, "application/x-amz-json-1.0", unprocessed, IsBatchRead);

        Assert.Equal(AppendOutcome.Appended, (await scenario.HistoryThroughProxy().AppendAsync(record, null, default)).Outcome);

        Assert.Equal(2, scenario.DynamoDb.Requests.Count(IsBatchRead));
        // The keys were read again before writing: the transaction did not have to fail first.
        Assert.Equal([200], scenario.DynamoDb.Requests.Where(IsWrite).Select(t => t.Status));
        foreach (var resolution in SummaryResolutions.All)
        {
            var summary = Assert.Single(await scenario.History.GetSummariesAsync(scenario.Bucket, resolution, T0, T0, default));
            Assert.Equal((2L, 10L, 50L), (summary.Changes, summary.Smallest.TotalSize, summary.Largest.TotalSize));
        }
    }

    /// <summary>
    /// Incremental tracking's apply ADDs its delta to the totals, which is not idempotent by itself. DynamoDB commits,
    /// the answer is a 500, the SDK sends the same transaction again with the same token, and DynamoDB answers it as
    /// done: the apply reports success and the delta counts once. Without states (a delta alone), only the token protects
    /// the ADD; with states, a second run would also fail their conditions and wrongly report a conflict.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_apply_that_committed_but_answered_500_reports_success_and_counts_its_delta_once(bool withStates)
    {
        var table = await emulators.CreateObjectStateTableAsync();
        await using var proxy = new FaultProxy(emulators.DynamoDbEndpoint);
        var store = new DynamoDbObjectStateStore(EmulatorFixture.DynamoDbVia(proxy.Endpoint), table);
        var state = new ObjectState(ObjectStatus.Present, 18, "etag-18", null, "01");
        proxy.CommitThenFail(1, IsWrite);

        Assert.True(await store.ApplyAsync("counted", withStates ? [new ObjectStateWrite("a.txt", state, 0, Written)] : [], new BucketTotals(18, 1, 0), default));

        Assert.Equal(new BucketTotals(18, 1, 0), await store.GetTotalsAsync("counted", default));
        var attempts = proxy.Requests.Where(IsWrite).ToList();
        Assert.Equal([500, 200], attempts.Select(a => a.Status));
        Assert.Equal(ClientRequestToken(attempts[0]), ClientRequestToken(attempts[1]));
        Assert.Matches("^[0-9a-f]{32}$", ClientRequestToken(attempts[0]));
        if (withStates)
        {
            Assert.Equal(new StoredObjectState(state, 1, Written), (await store.GetAsync("counted", ["a.txt"], default))["a.txt"]);
        }
    }

    [Theory]
    [InlineData("ThrottlingError")]
    [InlineData("TransactionConflict")]
    public async Task An_apply_cancelled_without_a_failed_condition_is_tried_again_and_counts_once(string code)
    {
        var table = await emulators.CreateObjectStateTableAsync();
        await using var proxy = new FaultProxy(emulators.DynamoDbEndpoint);
        var store = new DynamoDbObjectStateStore(EmulatorFixture.DynamoDbVia(proxy.Endpoint), table);
        proxy.CancelTransaction(2, ["None", code], IsWrite);

        Assert.True(await store.ApplyAsync("retried", [new("a.txt", new ObjectState(ObjectStatus.Present, 5, null, null, "01"), 0, Written)], new BucketTotals(5, 1, 0), default));

        Assert.Equal(3, proxy.Requests.Count(IsWrite));
        Assert.Equal(new BucketTotals(5, 1, 0), await store.GetTotalsAsync("retried", default));
    }

    /// <summary>BatchGetItem may answer with some keys unprocessed: the object states are asked again, not taken as absent.</summary>
    [Fact]
    public async Task Object_states_left_unprocessed_by_the_batch_read_are_read_again()
    {
        var table = await emulators.CreateObjectStateTableAsync();
        var state = new ObjectState(ObjectStatus.Present, 18, "etag-18", null, "01");
        await new DynamoDbObjectStateStore(emulators.DynamoDb, table).ApplyAsync("unprocessed", [new("a.txt", state, 0, Written), new("b.txt", state, 0, Written)], new BucketTotals(36, 2, 0), default);
        await using var proxy = new FaultProxy(emulators.DynamoDbEndpoint);
        var unprocessed = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["Responses"] = new Dictionary<string, object> { [table] = Array.Empty<object>() },
            ["UnprocessedKeys"] = new Dictionary<string, object>
            {
                [table] = new Dictionary<string, object>
                {
                    ["Keys"] = new[] { "a.txt", "b.txt" }.Select(key => new Dictionary<string, object>
                    {
                        [ObjectStateSchema.PartitionAttribute] = new Dictionary<string, string> { ["S"] = ObjectStateSchema.ObjectPartition("unprocessed", ObjectStateSchema.ShardOf(key)) },
                        [ObjectStateSchema.KeyAttribute] = new Dictionary<string, string> { ["S"] = key },
                    }).ToArray(),
                    ["ConsistentRead"] = true,
                },
            },
        });
        proxy.Answer(1, 200, "application/x-amz-json-1.0", unprocessed, IsBatchRead);

        var read = await new DynamoDbObjectStateStore(EmulatorFixture.DynamoDbVia(proxy.Endpoint), table).GetAsync("unprocessed", ["a.txt", "b.txt"], default);

        Assert.Equal(2, proxy.Requests.Count(IsBatchRead));
        Assert.Equal(new StoredObjectState(state, 1, Written), read["a.txt"]);
        Assert.Equal(new StoredObjectState(state, 1, Written), read["b.txt"]);
    }

    /// <summary>
    /// A reconciliation's range read ends each shard's Query page at DynamoDB's limit (1 MB; here forced to 2 items) and
    /// goes on from <c>LastEvaluatedKey</c> until there is none, every page strongly consistent; a page throttled past
    /// the first is retried by the SDK with the same start key. The stored key the range starts after is left out
    /// wherever its page ends.
    /// </summary>
    [Fact]
    public async Task A_range_read_follows_every_page_of_every_shard_and_leaves_out_the_key_it_starts_after()
    {
        var table = await emulators.CreateObjectStateTableAsync();
        var state = new ObjectState(ObjectStatus.Present, 3, null, null, "01");
        var keys = Enumerable.Range(0, 90).Select(i => $"logs/{i:D3}.txt").ToList();
        var writer = new DynamoDbObjectStateStore(emulators.DynamoDb, table);
        foreach (var chunk in keys.Chunk(writer.MaxObjectsPerApply))
        {
            await writer.ApplyAsync("paged", [.. chunk.Select(k => new ObjectStateWrite(k, state, 0, Written))], new BucketTotals(3 * chunk.Length, chunk.Length, 0), default);
        }

        await using var proxy = new FaultProxy(emulators.DynamoDbEndpoint);
        proxy.Throttle(2, r => IsQuery(r) && r.Body.Contains("ExclusiveStartKey", StringComparison.Ordinal));
        var range = new KeyRange("logs/010.txt", "logs/080.txt");

        var read = await new DynamoDbObjectStateStore(EmulatorFixture.DynamoDbVia(proxy.Endpoint), table, queryPageLimit: 2).GetRangeAsync("paged", range, default);

        Assert.Equal(keys.Where(range.Contains), read.Keys.Order(StringComparer.Ordinal));
        var queries = proxy.Requests.Where(IsQuery).Where(r => r.Status == 200).Select(r => JsonDocument.Parse(r.Body).RootElement).ToList();
        Assert.All(queries, q => Assert.True(q.GetProperty("ConsistentRead").GetBoolean()));
        // 71 keys in range over 16 shards, some 4 or 5 each at 2 a page: every shard is queried, most more than once.
        var pages = queries.GroupBy(q => q.GetProperty("ExpressionAttributeValues").GetProperty(":shard").GetProperty("S").GetString()).ToList();
        Assert.Equal(16, pages.Count);
        Assert.Contains(pages, shard => shard.Count() >= 3);
        Assert.Equal(2, proxy.Requests.Count(r => r.Status == 400));
    }

    /// <summary>
    /// The reconciliation mark is saved with an UpdateItem on the totals item, which DynamoDB refuses with
    /// TransactionConflictException while an apply's transaction holds that item. The SDK does not retry it; the store does.
    /// </summary>
    [Fact]
    public async Task Saving_the_mark_while_an_apply_holds_the_totals_item_is_tried_again()
    {
        var table = await emulators.CreateObjectStateTableAsync();
        await using var proxy = new FaultProxy(emulators.DynamoDbEndpoint);
        proxy.Answer(2, 400, "application/x-amz-json-1.0", Encoding.UTF8.GetBytes(
            """{"__type":"com.amazonaws.dynamodb.v20120810#TransactionConflictException","message":"Transaction is ongoing for the item"}"""),
            r => r.Target?.EndsWith(".UpdateItem", StringComparison.Ordinal) == true, ("x-amzn-ErrorType", "TransactionConflictException"));
        var store = new DynamoDbObjectStateStore(EmulatorFixture.DynamoDbVia(proxy.Endpoint), table);

        await store.SaveReconciliationAsync("conflicted", new ReconciliationMark(Written, null), default);

        Assert.Equal([400, 400, 200], proxy.Requests.Select(r => r.Status ?? 0));
        Assert.Equal(new ReconciliationMark(Written, null), await store.GetReconciliationAsync("conflicted", default));
    }

    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 12, 0, 0, TimeSpan.Zero);

    // When the object states these tests write were written (epoch ms).
    private const long Written = 1_764_500_000_000;

    private static bool IsQuery(ProxiedRequest request) => request.Target?.EndsWith(".Query", StringComparison.Ordinal) == true;

    // Summaries and object states are both read with BatchGetItem.
    private static bool IsBatchRead(ProxiedRequest request) => request.Target?.EndsWith(".BatchGetItem", StringComparison.Ordinal) == true;

    private static string ClientRequestToken(ProxiedRequest request) =>
        JsonDocument.Parse(request.Body).RootElement.GetProperty("ClientRequestToken").GetString()!;

    /// <summary>A table, a bucket holding one 5-byte object, a proxy in front of DynamoDB (and S3 if asked), and the
    /// size-tracking function pointed at the proxies.</summary>
    private sealed class Scenario : IAsyncDisposable
    {
        private readonly SizeTrackingFunction _function;
        private readonly StringWriter _log = new();

        private Scenario(EmulatorFixture emulators, string table, string bucket, FaultProxy dynamoDb, FaultProxy? s3, int? functionTimeoutSeconds)
        {
            (Table, Bucket, DynamoDb, S3) = (table, bucket, dynamoDb, s3);
            var more = new Dictionary<string, string> { [AwsSetup.DynamoDbEndpointVariable] = dynamoDb.Endpoint.ToString() };
            if (s3 is not null)
            {
                more[AwsSetup.S3EndpointVariable] = s3.Endpoint.ToString();
            }

            if (functionTimeoutSeconds is { } seconds)
            {
                more[FunctionSettingNames.FunctionTimeout] = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            _function = new SizeTrackingFunction(FunctionHarness.Settings(table, more: more), _log);
            History = new DynamoDbHistoryRepository(emulators.DynamoDb, table, DynamoDbHistoryRepositoryContract.IndexName);
        }

        public string Table { get; }

        public string Bucket { get; }

        public FaultProxy DynamoDb { get; }

        public FaultProxy? S3 { get; }

        public DynamoDbHistoryRepository History { get; }

        /// <summary>A repository whose requests go through <see cref="DynamoDb"/>, the fault proxy.</summary>
        public DynamoDbHistoryRepository HistoryThroughProxy() =>
            new(EmulatorFixture.DynamoDbVia(DynamoDb.Endpoint), Table, DynamoDbHistoryRepositoryContract.IndexName);

        public static async Task<Scenario> StartAsync(EmulatorFixture emulators, bool proxyS3 = false, int? functionTimeoutSeconds = null)
        {
            var table = await emulators.CreateTableAsync();
            var bucket = EmulatorFixture.UniqueName("faults");
            await emulators.S3.PutBucketAsync(bucket);
            await new S3BlobStore(emulators.S3).PutAsync(bucket, "x.bin", new byte[5], "application/octet-stream", default);
            return new Scenario(emulators, table, bucket, new FaultProxy(emulators.DynamoDbEndpoint),
                proxyS3 ? new FaultProxy(emulators.S3Endpoint) : null, functionTimeoutSeconds);
        }

        /// <summary>An "Object Created" event for the scenario's bucket; the same id each time unless named.</summary>
        public string Event(string eventId = "event-1") => FunctionHarness.ObjectCreated(Bucket, eventId);

        public async Task<JsonElement> InvokeAsync(string eventId = "event-1") =>
            JsonDocument.Parse(await FunctionHarness.InvokeAsync(_function.Handle, Event(eventId))).RootElement;

        /// <summary>The invocation fails, and its only error line names <paramref name="cause"/>.</summary>
        public async Task<Exception> AssertFailsAsync(string cause)
        {
            var linesBefore = FunctionHarness.LogLines(_log).Count;
            var error = await Assert.ThrowsAnyAsync<Exception>(() => InvokeAsync());

            var errors = FunctionHarness.LogLines(_log).Skip(linesBefore).Where(l => l.GetProperty("level").GetString() == "ERROR").ToList();
            var line = Assert.Single(errors);
            Assert.Contains(cause, line.GetRawText(), StringComparison.OrdinalIgnoreCase);
            return error;
        }

        public async Task AssertNoRecordAsync() =>
            Assert.Empty(await History.GetRangeAsync(Bucket, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, default));

        /// <summary>Exactly one record in the bucket's history, and it is the one the successful invocation reported.</summary>
        public async Task AssertOneRecordAsync(JsonElement reported)
        {
            var record = Assert.Single(await History.GetRangeAsync(Bucket, DateTimeOffset.UnixEpoch, DateTimeOffset.MaxValue, default));
            Assert.Equal(reported.GetProperty("time").GetInt64(), record.TimeMilliseconds);
            Assert.Equal((1, 5L), (record.ObjectCount, record.TotalSize));
        }

        public async ValueTask DisposeAsync()
        {
            _function.Dispose();
            await DynamoDb.DisposeAsync();
            if (S3 is not null)
            {
                await S3.DisposeAsync();
            }
        }
    }
}
