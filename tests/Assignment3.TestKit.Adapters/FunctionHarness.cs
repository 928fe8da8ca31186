using System.Text;
using System.Text.Json;
using Amazon.S3;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.Lambda.Contracts;
using Assignment3.Adapters.PlotApi;
using Assignment3.Catalog;

namespace Assignment3.TestKit.Adapters;

/// <summary>Invokes handlers the way the runtime does (bytes in a stream, bytes out) and builds their inputs.</summary>
public static class FunctionHarness
{
    /// <summary>A function's settings; <paramref name="more"/> adds or overrides variables (endpoints, the timeout).</summary>
    public static FunctionSettings Settings(string table, string dataBucket = "unused-data", string plotBucket = "unused-plots", string? plotApiUrl = null,
        IReadOnlyDictionary<string, string>? more = null) =>
        new(name => more is not null && more.TryGetValue(name, out var value) ? value : name switch
        {
            FunctionSettingNames.TableName => table,
            FunctionSettingNames.DataBucket => dataBucket,
            FunctionSettingNames.PlotBucket => plotBucket,
            FunctionSettingNames.PlotApiUrl => plotApiUrl,
            _ => null,
        });

    public static async Task<string> InvokeAsync(Func<Stream, Task<Stream>> handle, string payload)
    {
        ArgumentNullException.ThrowIfNull(handle);
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(payload));
        await using var output = await handle(input);
        Assert.Equal(0, output.Position);
        return await new StreamReader(output).ReadToEndAsync();
    }

    /// <summary>An EventBridge "Object Created" event from S3; tests say only the bucket and, where it matters, the id and object.</summary>
    public static string ObjectCreated(string bucket, string eventId = "event-1", string key = "x.bin", long size = 5) => $$$"""
        {"version":"0","id":"{{{eventId}}}","detail-type":"{{{S3EventNames.ObjectCreated}}}","source":"{{{S3EventNames.Source}}}","account":"111122223333",
         "time":"2026-11-26T12:00:00Z","region":"us-east-1","resources":["arn:aws:s3:::{{{bucket}}}"],
         "detail":{"version":"0","bucket":{"name":"{{{bucket}}}"},"object":{"key":"{{{key}}}","size":{{{size}}}},"reason":"PutObject"}}
        """;

    /// <summary>An API Gateway REST proxy event; tests say only what differs from a plain POST.</summary>
    public static string Proxy(IDictionary<string, string>? query = null, string? body = null, string method = "POST", bool base64 = false) =>
        JsonSerializer.Serialize(new ApiGatewayProxyRequest
        {
            Resource = "/plot",
            Path = "/plot",
            HttpMethod = method,
            Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
            QueryStringParameters = query,
            Body = base64 && body is not null ? Convert.ToBase64String(Encoding.UTF8.GetBytes(body)) : body,
            IsBase64Encoded = base64,
        }, PlotApiJsonContext.Default.ApiGatewayProxyRequest);

    public static async Task EnsureBucketAsync(IAmazonS3 s3, string bucket)
    {
        ArgumentNullException.ThrowIfNull(s3);
        try
        {
            await s3.PutBucketAsync(bucket);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // Another test made it already.
        }
    }

    /// <summary>The log lines a function wrote (metric lines aside), parsed strictly: a repeated key fails the test.</summary>
    public static IReadOnlyList<JsonElement> LogLines(StringWriter log) => [.. AllLines(log).Where(line => !line.TryGetProperty("_aws", out _))];

    /// <summary>The embedded-metric-format lines a function wrote.</summary>
    public static IReadOnlyList<JsonElement> MetricLines(StringWriter log) => [.. AllLines(log).Where(line => line.TryGetProperty("_aws", out _))];

    private static IEnumerable<JsonElement> AllLines(StringWriter log) =>
        log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line, StrictJson).RootElement);

    private static readonly JsonDocumentOptions StrictJson = new() { AllowDuplicateProperties = false };
}
