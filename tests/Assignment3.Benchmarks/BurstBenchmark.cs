using System.Diagnostics;
using System.Text.Json.Nodes;
using Assignment3.Adapters.Aws;
using Assignment3.Catalog;
using Assignment3.Functions.SizeTracking;

namespace Assignment3.Benchmarks;

/// <summary>A burst of events delivered in SQS batches of one size: the requests and time it cost, per event.</summary>
internal sealed record BurstFigures(int Events, int BatchSize, int Batches, int Objects, int? ListRequests, int? DynamoDbRequests, double Milliseconds)
{
    public double? ListRequestsPerEvent => ListRequests / (double)Events;

    public double? DynamoDbRequestsPerEvent => DynamoDbRequests / (double)Events;

    public double MillisecondsPerEvent => Milliseconds / Events;

    public JsonObject ToJson() => new()
    {
        ["mode"] = "listing",
        ["events"] = Events,
        ["batch_size"] = BatchSize,
        ["batches"] = Batches,
        ["objects"] = Objects,
        ["s3_list_requests"] = ListRequests,
        ["dynamodb_requests"] = DynamoDbRequests,
        ["s3_list_requests_per_event"] = Round(ListRequestsPerEvent),
        ["dynamodb_requests_per_event"] = Round(DynamoDbRequestsPerEvent),
        ["ms_per_event"] = Round(MillisecondsPerEvent),
    };

    public override string ToString() => FormattableString.Invariant(
        $"  {Events} events in {Batches} batch(es) of {BatchSize}, {Objects} objects: {ListRequests?.ToString() ?? "n/a"} LISTs ({ListRequestsPerEvent:F3}/event), {DynamoDbRequests?.ToString() ?? "n/a"} DynamoDB requests ({DynamoDbRequestsPerEvent:F3}/event), {MillisecondsPerEvent:F3} ms/event");

    private static double? Round(double? value) => value is { } known ? Math.Round(known, 4) : null;
}

/// <summary>
/// Listing mode under a burst: 1,000 "Object Created" events of one bucket, each a fresh change (event time now),
/// delivered to the size-tracking handler as SQS batches the way the event source mapping delivers them, through
/// recording proxies that count every S3 LIST and DynamoDB request. Coalescing makes the cost per batch, not per event.
/// </summary>
internal static class BurstBenchmark
{
    public const int Events = 1000;

    /// <summary>Batches as a lone poller fills them within the window (the mapping's size), and smaller ones, as several pollers share a burst.</summary>
    public static readonly int[] BatchSizes = [10, 100, TrackingDelivery.BatchSize];

    public static async Task<IReadOnlyList<BurstFigures>> RunAsync(Endpoints endpoints, int objects = 100)
    {
        var table = await endpoints.CreateTableAsync();
        var bucket = await endpoints.CreateBucketAsync("burst");
        var store = new S3BlobStore(endpoints.S3);
        await Parallel.ForEachAsync(Enumerable.Range(0, objects), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => await store.PutAsync(bucket, $"o/{i:D6}", "0123456789"u8.ToArray(), "text/plain", ct));

        var figures = new List<BurstFigures>();
        foreach (var batchSize in BatchSizes)
        {
            await using var proxies = Endpoints.CanCountRequests ? new RecordingProxies() : null;
            using var function = new SizeTrackingFunction(FunctionHarness.Settings(table, more: proxies?.Settings), TextWriter.Null);
            var messages = Enumerable.Range(0, Events).Select(i => (MessageId: Guid.NewGuid().ToString(),
                Body: FunctionHarness.ObjectCreated(bucket, eventId: Guid.NewGuid().ToString(), key: $"o/{i % objects:D6}", size: 10))).ToList();
            var batches = messages.Chunk(batchSize).Select(FunctionHarness.SqsBatch).ToList();
            var clock = Stopwatch.StartNew();
            foreach (var batch in batches)
            {
                var answer = await FunctionHarness.InvokeAsync(function.Handle, batch);
                if (FunctionHarness.BatchItemFailures(answer).Count > 0)
                {
                    throw new InvalidOperationException($"the burst benchmark's batch failed in part: {answer}");
                }
            }

            var lists = proxies?.S3.Requests.Count(r => r.Method == "GET" && r.Query.Contains("list-type=2", StringComparison.Ordinal));
            figures.Add(new BurstFigures(Events, batchSize, batches.Count, objects, lists, proxies?.DynamoDb.Requests.Count, clock.Elapsed.TotalMilliseconds));
        }

        return figures;
    }
}
