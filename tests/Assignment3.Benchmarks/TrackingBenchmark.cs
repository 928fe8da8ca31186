using System.Globalization;
using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using Assignment3.Adapters.Aws;
using Assignment3.Catalog;
using Assignment3.Domain;
using Assignment3.Functions.SizeTracking;

namespace Assignment3.Benchmarks;

/// <summary>One bucket size: the handler's cost per event, the requests it made, and the floor beside it.</summary>
internal sealed record TrackingFigures(
    int Objects, int Runs, int? ListCalls, int? WriteRequests, int? OtherRequests, double MedianMs, double MinMs, double MaxMs, double FloorMedianMs,
    double TransactionFloorMedianMs)
{
    public double Ratio => MedianMs / FloorMedianMs;
}

/// <summary>
/// The size-tracking handler on a bucket of N objects (first deliveries, each with a new event id) against its floor:
/// the same LIST pages and one PutItem, issued back to back by clients configured as the function's are. A second
/// floor writes instead what the handler writes, the record and its event marker in one TransactWriteItems (the
/// repository's own call), to tell the cost of exactly-once apart from the handler's own overhead. All three
/// alternate run by run, so drift on the machine or the endpoints touches them alike.
/// </summary>
internal static class TrackingBenchmark
{
    private static readonly string[] WriteOperations = ["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"];

    public static async Task<TrackingFigures> RunAsync(Endpoints endpoints, int objects, int runs)
    {
        var table = await endpoints.CreateTableAsync();
        var bucket = await endpoints.CreateBucketAsync($"bench{objects}");
        var store = new S3BlobStore(endpoints.S3);
        await Parallel.ForEachAsync(Enumerable.Range(0, objects), new ParallelOptions { MaxDegreeOfParallelism = 16 },
            async (i, ct) => await store.PutAsync(bucket, $"o/{i:D6}", "0123456789"u8.ToArray(), "text/plain", ct));

        (int List, int Writes, int Other)? counts = Endpoints.CanCountRequests ? await CountRequestsAsync(table, bucket) : null;
        using var function = new SizeTrackingFunction(FunctionHarness.Settings(table), TextWriter.Null);
        var handler = new Sample();
        var floor = new Sample();
        var transactionFloor = new Sample();
        var repository = new DynamoDbHistoryRepository(endpoints.DynamoDb, table, HistorySchema.SizeIndexName);
        (Sample, Func<Task>)[] contenders =
        [
            (handler, () => FunctionHarness.InvokeAsync(function.Handle, FirstDelivery(bucket))),
            (floor, () => FloorAsync(endpoints, bucket, size => endpoints.DynamoDb.PutItemAsync(new PutItemRequest { TableName = table, Item = Item(bucket, size) }))),
            (transactionFloor, () => FloorAsync(endpoints, bucket, size => repository.AppendAsync(
                new SizeRecord("floor-" + bucket, DateTimeOffset.UtcNow, size.Bytes, size.Objects), Guid.NewGuid().ToString(), default))),
        ];
        foreach (var (_, action) in contenders)
        {
            await action(); // warm-up: the first call of each pays for JIT and connections
        }

        for (var run = 0; run < runs; run++)
        {
            foreach (var (sample, action) in contenders.Skip(run % contenders.Length).Concat(contenders.Take(run % contenders.Length)))
            {
                await sample.TimeAsync(async () => { await action(); return 0; });
            }
        }

        return new TrackingFigures(objects, runs, counts?.List, counts?.Writes, counts?.Other, handler.Median, handler.Min, handler.Max,
            floor.Median, transactionFloor.Median);
    }

    // A separate function instance whose clients go through recording proxies: every request it makes is seen.
    private static async Task<(int List, int Writes, int Other)> CountRequestsAsync(string table, string bucket)
    {
        await using var proxies = new RecordingProxies();
        using var function = new SizeTrackingFunction(FunctionHarness.Settings(table, more: proxies.Settings), TextWriter.Null);
        await FunctionHarness.InvokeAsync(function.Handle, FirstDelivery(bucket));
        var lists = proxies.S3.Requests.Count(r => r.Method == "GET" && r.Query.Contains("list-type=2", StringComparison.Ordinal));
        var writes = proxies.DynamoDb.Requests.Count(r => WriteOperations.Any(w => r.Target?.EndsWith("." + w, StringComparison.Ordinal) == true));
        return (lists, writes, proxies.Total - lists - writes);
    }

    // The least any implementation must do: read every LIST page, then write one item.
    private static async Task FloorAsync(Endpoints endpoints, string bucket, Func<(long Bytes, int Objects), Task> write)
    {
        var request = new ListObjectsV2Request { BucketName = bucket, MaxKeys = 1000 };
        long size = 0;
        var count = 0;
        ListObjectsV2Response page;
        do
        {
            page = await endpoints.S3.ListObjectsV2Async(request);
            foreach (var item in page.S3Objects ?? [])
            {
                size += item.Size ?? 0;
                count++;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
        while (page.IsTruncated == true);

        await write((size, count));
    }

    private static Dictionary<string, AttributeValue> Item(string bucket, (long Bytes, int Objects) size) => new()
    {
        [HistorySchema.BucketAttribute] = new() { S = "floor-" + bucket },
        [HistorySchema.TimeAttribute] = new() { N = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) },
        [HistorySchema.SizeAttribute] = new() { N = size.Bytes.ToString(CultureInfo.InvariantCulture) },
        [HistorySchema.CountAttribute] = new() { N = size.Objects.ToString(CultureInfo.InvariantCulture) },
    };

    private static string FirstDelivery(string bucket) => FunctionHarness.ObjectCreated(bucket, eventId: Guid.NewGuid().ToString(), key: "o/000000", size: 10);
}
