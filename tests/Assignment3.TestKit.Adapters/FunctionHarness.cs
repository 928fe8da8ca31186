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

    /// <summary>
    /// An EventBridge "Object Created" event from S3; tests say only the bucket and, where it matters, the id, object and
    /// time. The time is now unless given, to the whole second as EventBridge stamps it: an event made for a change made now.
    /// The ETag and sequencer (which incremental tracking reads) are in the event only when given.
    /// </summary>
    public static string ObjectCreated(string bucket, string eventId = "event-1", string key = "x.bin", long size = 5, DateTimeOffset? time = null,
        string? etag = null, string? sequencer = null) => $$$"""
        {"version":"0","id":"{{{eventId}}}","detail-type":"{{{S3EventNames.ObjectCreated}}}","source":"{{{S3EventNames.Source}}}","account":"111122223333",
         "time":"{{{EventTime(time ?? DateTimeOffset.UtcNow)}}}","region":"us-east-1","resources":["arn:aws:s3:::{{{bucket}}}"],
         "detail":{"version":"0","bucket":{"name":"{{{bucket}}}"},"object":{"key":"{{{key}}}","size":{{{size}}}{{{Optional("etag", etag)}}}{{{Optional("sequencer", sequencer)}}}},"reason":"PutObject"}}
        """;

    /// <summary>
    /// An EventBridge "Object Deleted" event from S3, as S3 sends it: no size, a <c>deletion-type</c> (by default
    /// "Permanently Deleted", an unversioned bucket's delete), the version id only when given.
    /// </summary>
    public static string ObjectDeleted(string bucket, string eventId, string key, string sequencer, string deletionType = S3EventNames.PermanentlyDeleted,
        string? versionId = null, DateTimeOffset? time = null) => $$$"""
        {"version":"0","id":"{{{eventId}}}","detail-type":"{{{S3EventNames.ObjectDeleted}}}","source":"{{{S3EventNames.Source}}}","account":"111122223333",
         "time":"{{{EventTime(time ?? DateTimeOffset.UtcNow)}}}","region":"us-east-1","resources":["arn:aws:s3:::{{{bucket}}}"],
         "detail":{"version":"0","bucket":{"name":"{{{bucket}}}"},"object":{"key":"{{{key}}}"{{{Optional("version-id", versionId)}}},"sequencer":"{{{sequencer}}}"},
          "reason":"DeleteObject","deletion-type":"{{{deletionType}}}"}}
        """;

    private static string Optional(string name, string? value) => value is null ? "" : $",\"{name}\":\"{value}\"";

    /// <summary>EventBridge's <c>time</c>: UTC to the whole second.</summary>
    public static string EventTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The ARN of the queue the stand-in batches come from.</summary>
    public const string QueueArn = "arn:aws:sqs:us-east-1:111122223333:Assignment3-Lambda-SizeTrackingObjectEvents";

    /// <summary>
    /// An SQS batch as Lambda's event source mapping delivers it, one record per body, every field Lambda sends:
    /// messageId, receiptHandle, body, attributes (as strings), messageAttributes, md5OfBody (MD5 of the body's UTF-8),
    /// eventSource <c>aws:sqs</c>, eventSourceARN, awsRegion.
    /// </summary>
    public static string SqsBatch(IEnumerable<(string MessageId, string Body)> messages, int receiveCount = 1)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var sent = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        return JsonSerializer.Serialize(new SqsBatch
        {
            Records = [.. messages.Select(m => (SqsMessage?)new SqsMessage
            {
                MessageId = m.MessageId,
                ReceiptHandle = "AQEB" + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{m.MessageId}/{receiveCount}")),
                Body = m.Body,
                Attributes = new Dictionary<string, string>
                {
                    ["ApproximateReceiveCount"] = receiveCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["SentTimestamp"] = sent.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["SenderId"] = "AIDAIENQZJOLO23YVJ4VO",
                    ["ApproximateFirstReceiveTimestamp"] = (sent + 5).ToString(System.Globalization.CultureInfo.InvariantCulture),
                },
                MessageAttributes = new Dictionary<string, SqsMessageAttributeValue>(),
#pragma warning disable CA5351 // SQS defines md5OfBody as the MD5 of the body; no security rests on it.
                Md5OfBody = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(Encoding.UTF8.GetBytes(m.Body))),
#pragma warning restore CA5351
                EventSource = SqsBatchTranslator.EventSource,
                EventSourceArn = QueueArn,
                AwsRegion = "us-east-1",
            })],
        }, SqsJsonContext.Default.SqsBatch);
    }

    /// <summary>The message ids a batch answer names in <c>batchItemFailures</c>.</summary>
    public static IReadOnlyList<string> BatchItemFailures(string response) =>
        [.. JsonDocument.Parse(response).RootElement.GetProperty("batchItemFailures").EnumerateArray().Select(f => f.GetProperty("itemIdentifier").GetString()!)];

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
