using System.Diagnostics;
using System.Text.Json.Nodes;
using Assignment3.Adapters.Aws;
using Assignment3.Catalog;
using Assignment3.Functions.SizeTracking;

namespace Assignment3.Benchmarks;

/// <summary>
/// Requests counted so far: S3 LISTs and HEADs, DynamoDB requests of any kind and the capacity units they cost
/// (<see cref="DynamoDbUnits"/>); null where nothing could count them.
/// </summary>
internal readonly record struct RequestCounts(int? Lists, int? Heads, int? DynamoDb, double? ReadUnits = null, double? WriteUnits = null)
{
    public static RequestCounts operator -(RequestCounts after, RequestCounts before) =>
        new(after.Lists - before.Lists, after.Heads - before.Heads, after.DynamoDb - before.DynamoDb,
            after.ReadUnits - before.ReadUnits, after.WriteUnits - before.WriteUnits);

    /// <summary>S3 counts, and what a proxy in front of DynamoDB saw.</summary>
    public static RequestCounts With(int? lists, int? heads, FaultProxy? dynamoDb)
    {
        if (dynamoDb is null)
        {
            return new(lists, heads, null);
        }

        var requests = dynamoDb.Requests;
        var units = requests.Select(DynamoDbUnits.Of).ToList();
        return new(lists, heads, requests.Count, units.Sum(u => u.Read), units.Sum(u => u.Write));
    }
}

/// <summary>Events delivered in SQS batches of one size: the requests and time they cost, per event.</summary>
internal sealed record DeliveryFigures(string Mode, long Objects, int Events, int BatchSize, int Batches, RequestCounts Requests, double Milliseconds)
{
    public double? ListsPerEvent => Requests.Lists / (double)Events;

    public double? HeadsPerEvent => Requests.Heads / (double)Events;

    public double? DynamoDbPerEvent => Requests.DynamoDb / (double)Events;

    public double? ReadUnitsPerEvent => Requests.ReadUnits / Events;

    public double? WriteUnitsPerEvent => Requests.WriteUnits / Events;

    public double MillisecondsPerEvent => Milliseconds / Events;

    public JsonObject ToJson() => new()
    {
        ["mode"] = Mode,
        ["objects"] = Objects,
        ["events"] = Events,
        ["batch_size"] = BatchSize,
        ["batches"] = Batches,
        ["s3_list_requests"] = Requests.Lists,
        ["s3_head_requests"] = Requests.Heads,
        ["dynamodb_requests"] = Requests.DynamoDb,
        ["s3_list_requests_per_event"] = Round(ListsPerEvent),
        ["s3_head_requests_per_event"] = Round(HeadsPerEvent),
        ["dynamodb_requests_per_event"] = Round(DynamoDbPerEvent),
        ["dynamodb_read_units_per_event"] = Round(ReadUnitsPerEvent),
        ["dynamodb_write_units_per_event"] = Round(WriteUnitsPerEvent),
        ["ms_per_event"] = Round(MillisecondsPerEvent),
    };

    public override string ToString() => FormattableString.Invariant(
        $"  {Events} events in {Batches} batch(es) of {BatchSize}, {Objects} objects: {Count(Requests.Lists)} LISTs ({ListsPerEvent:F3}/event), {Count(Requests.DynamoDb)} DynamoDB requests ({DynamoDbPerEvent:F3}/event), {MillisecondsPerEvent:F3} ms/event");

    private static string Count(int? value) => value?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "n/a";

    private static double? Round(double? value) => value is { } known ? Math.Round(known, 4) : null;
}

/// <summary>
/// Delivers events to the size-tracking handler as SQS batches the way the event source mapping delivers them, one
/// batch after another, and counts what they cost. Each batch's events are made just before it is delivered, so each
/// is a fresh change (stamped now) that no earlier record can already show.
/// </summary>
internal static class BatchDelivery
{
    /// <param name="handle">The function's handler.</param>
    /// <param name="mode">The tracking mode the function runs in, for the report.</param>
    /// <param name="objects">What the bucket holds, for the report.</param>
    /// <param name="events">How many events in all.</param>
    /// <param name="batchSize">Events per batch (the last may hold fewer).</param>
    /// <param name="eventAt">The body of event number <c>n</c> (0-based), an EventBridge S3 object event.</param>
    /// <param name="counted">The requests counted so far; read before and after.</param>
    public static async Task<DeliveryFigures> DeliverAsync(Func<Stream, Task<Stream>> handle, string mode, long objects, int events, int batchSize,
        Func<int, string> eventAt, Func<RequestCounts> counted)
    {
        var before = counted();
        var elapsed = TimeSpan.Zero;
        var batches = 0;
        for (var first = 0; first < events; first += batchSize, batches++)
        {
            var batch = FunctionHarness.SqsBatch(Enumerable.Range(first, Math.Min(batchSize, events - first))
                .Select(n => (MessageId: Guid.NewGuid().ToString(), Body: eventAt(n))).ToList());
            var started = Stopwatch.GetTimestamp();
            var answer = await FunctionHarness.InvokeAsync(handle, batch);
            elapsed += Stopwatch.GetElapsedTime(started);
            if (FunctionHarness.BatchItemFailures(answer).Count > 0)
            {
                throw new InvalidOperationException($"a batch of the benchmark failed in part ({mode}, {objects} objects): {answer}");
            }
        }

        return new DeliveryFigures(mode, objects, events, batchSize, batches, counted() - before, elapsed.TotalMilliseconds);
    }
}

/// <summary>
/// Listing mode under a burst: 1,000 "Object Created" events of one bucket in s3rver, delivered to the size-tracking
/// handler in SQS batches through recording proxies that count every S3 LIST and DynamoDB request. Coalescing makes
/// the cost per batch, not per event.
/// </summary>
internal static class BurstBenchmark
{
    public const int Events = 1000;

    /// <summary>Batches as a lone poller fills them within the window (the mapping's size), and smaller ones, as several pollers share a burst.</summary>
    public static readonly int[] BatchSizes = [10, 100, TrackingDelivery.BatchSize];

    public static async Task<IReadOnlyList<DeliveryFigures>> RunAsync(Endpoints endpoints, int objects = 100)
    {
        var table = await endpoints.CreateTableAsync();
        var bucket = await endpoints.CreateBucketAsync("burst");
        var store = new S3BlobStore(endpoints.S3);
        await Parallel.ForEachAsync(Enumerable.Range(0, objects), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => await store.PutAsync(bucket, $"o/{i:D6}", "0123456789"u8.ToArray(), "text/plain", ct));

        var figures = new List<DeliveryFigures>();
        foreach (var batchSize in BatchSizes)
        {
            await using var proxies = Endpoints.CanCountRequests ? new RecordingProxies() : null;
            using var function = new SizeTrackingFunction(FunctionHarness.Settings(table, more: proxies?.Settings), TextWriter.Null);
            figures.Add(await BatchDelivery.DeliverAsync(function.Handle, TrackingModeNames.Listing, objects, Events, batchSize,
                n => FunctionHarness.ObjectCreated(bucket, eventId: Guid.NewGuid().ToString(), key: $"o/{n % objects:D6}", size: 10),
                () => proxies is null ? default : RequestCounts.With(
                    proxies.S3.Requests.Count(r => r.Method == "GET" && r.Query.Contains("list-type=2", StringComparison.Ordinal)),
                    proxies.S3.Requests.Count(r => r.Method == "HEAD"),
                    proxies.DynamoDb)));
        }

        return figures;
    }
}
