using System.Globalization;
using System.Text.Json;
using Amazon.DynamoDBv2.Model;
using Amazon.S3.Model;
using Assignment3.Adapters.Aws;
using Assignment3.Catalog;
using Assignment3.Domain;
using Assignment3.Functions.Plotting;

namespace Assignment3.Benchmarks;

/// <summary>The plotting handler warm, its floor, and the render alone.</summary>
internal sealed record PlottingFigures(
    int Points, int Runs, int? Queries, int? Uploads, int? OtherRequests, double WarmMedianMs, double WarmMinMs, double WarmP95Ms,
    double FloorMedianMs, double RenderMedianMs, int PngBytes, IReadOnlyList<PngEncodingFigures> PngEncodings)
{
    public double Ratio => WarmMedianMs / FloorMedianMs;
}

/// <summary>
/// The plotting handler (20 points in the window, a 1000×600 PNG) warm, against its floor: the same two queries,
/// concurrently as the handler runs them, then one PutObject of the same PNG bytes. The
/// render alone (ScottPlot and PNG encoding, no I/O) is timed too, since it is what the floor leaves out.
/// </summary>
internal static class PlottingBenchmark
{
    private const int PointCount = 20;

    public static async Task<PlottingFigures> RunAsync(Endpoints endpoints, int runs)
    {
        var table = await endpoints.CreateTableAsync();
        var plots = await endpoints.CreateBucketAsync("benchplots");
        var data = EmulatorFixture.UniqueName("benchdata"); // only its history is read; the bucket need not exist
        var history = new DynamoDbHistoryRepository(endpoints.DynamoDb, table, HistorySchema.SizeIndexName);
        var latest = DateTimeOffset.UtcNow;
        var points = Enumerable.Range(0, PointCount)
            .Select(i => new SizeRecord(data, latest.AddMilliseconds(-(PointCount - 1 - i) * 450), i * 100, i)).ToList();
        foreach (var point in points)
        {
            await history.AppendAsync(point, null, default);
        }

        using var function = new PlottingFunction(FunctionHarness.Settings(table, data, plots), TextWriter.Null);
        var request = FunctionHarness.Proxy();
        var key = ChartKey(await FunctionHarness.InvokeAsync(function.Handle, request)); // warm-up
        using var stored = await endpoints.S3.GetObjectAsync(plots, key);
        using var png = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(png);
        var pngBytes = png.ToArray();

        (int Queries, int Uploads, int Other)? counts = Endpoints.CanCountRequests ? await CountRequestsAsync(table, data, plots) : null;
        var handler = new Sample();
        var floor = new Sample();
        Task Handler() => FunctionHarness.InvokeAsync(function.Handle, request);
        Task Floor() => FloorAsync(endpoints, table, data, plots, key, pngBytes);
        await Floor();
        for (var run = 0; run < runs; run++)
        {
            foreach (var (sample, action) in run % 2 == 0 ? [(floor, Floor), (handler, Handler)] : new[] { (handler, (Func<Task>)Handler), (floor, Floor) })
            {
                await sample.TimeAsync(async () => { await action(); return 0; });
            }
        }

        var (render, encodings) = RenderBenchmark.Run(RenderBenchmark.Chart(data, points), runs);

        return new PlottingFigures(PointCount, runs, counts?.Queries, counts?.Uploads, counts?.Other,
            handler.Median, handler.Min, handler.Percentile(95), floor.Median, render, pngBytes.Length, encodings);
    }

    private static async Task<(int Queries, int Uploads, int Other)> CountRequestsAsync(string table, string data, string plots)
    {
        await using var proxies = new RecordingProxies();
        using var function = new PlottingFunction(FunctionHarness.Settings(table, data, plots, more: proxies.Settings), TextWriter.Null);
        await FunctionHarness.InvokeAsync(function.Handle, FunctionHarness.Proxy());
        var queries = proxies.DynamoDb.Requests.Count(r => r.Target?.EndsWith(".Query", StringComparison.Ordinal) == true);
        var uploads = proxies.S3.Requests.Count(r => r.Method == "PUT");
        return (queries, uploads, proxies.Total - queries - uploads);
    }

    // The same queries as the handler (the newest records and the maximum, at once), then the upload.
    private static async Task FloorAsync(Endpoints endpoints, string table, string data, string plots, string key, byte[] png)
    {
        var bucketIs = new Dictionary<string, AttributeValue> { [":b"] = new() { S = data } };
        await Task.WhenAll(
            endpoints.DynamoDb.QueryAsync(new QueryRequest
            {
                TableName = table,
                KeyConditionExpression = "bucket_name = :b",
                ExpressionAttributeValues = bucketIs,
                ScanIndexForward = false,
                Limit = DynamoDbHistoryRepository.RecentPageSize,
                ConsistentRead = true,
            }),
            endpoints.DynamoDb.QueryAsync(new QueryRequest
            {
                TableName = table,
                IndexName = HistorySchema.SizeIndexName,
                KeyConditionExpression = "bucket_name = :b",
                ExpressionAttributeValues = bucketIs,
                ScanIndexForward = false,
                Limit = 1,
            }));
        using var body = new MemoryStream(png);
        await endpoints.S3.PutObjectAsync(new PutObjectRequest { BucketName = plots, Key = key, InputStream = body, ContentType = "image/png" });
    }

    private static string ChartKey(string response)
    {
        using var proxy = JsonDocument.Parse(response);
        var status = proxy.RootElement.GetProperty("statusCode").GetInt32();
        var body = proxy.RootElement.GetProperty("body").GetString()!;
        if (status != 200)
        {
            throw new InvalidOperationException($"plotting answered {status}: {body}");
        }

        using var answer = JsonDocument.Parse(body);
        return answer.RootElement.GetProperty("plot_key").GetString()!;
    }
}
