using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Assignment3.Domain;
using Assignment3.Domain.UseCases;

namespace Assignment3.Adapters.PlotApi;

/// <summary>The request did not say what to draw in a way the API understands: a 400 for the caller.</summary>
public sealed class BadPlotRequestException(string message) : Exception(message);

/// <summary>
/// The plotting API's edges, as the size-tracking function has its S3 event translator: an API Gateway proxy event becomes a
/// <see cref="RenderSizeChart"/> (POST only; <c>bucket</c> and <c>window</c> from the query string or a JSON body, and
/// where both give one, they must agree), and every outcome becomes the proxy response the caller gets.
/// </summary>
public static class PlotApiTranslator
{
    /// <summary>The request the proxy event asks for; <paramref name="defaultBucket"/> when it names no bucket.</summary>
    /// <exception cref="BadPlotRequestException">The event or its parameters cannot be read.</exception>
    public static RenderSizeChart Translate(ReadOnlySpan<byte> payload, string defaultBucket)
    {
        ApiGatewayProxyRequest proxy;
        try
        {
            proxy = JsonSerializer.Deserialize(payload, PlotApiJsonContext.Default.ApiGatewayProxyRequest)
                ?? throw new BadPlotRequestException("request is empty");
        }
        catch (JsonException ex)
        {
            throw new BadPlotRequestException($"request is not an API Gateway proxy event: {ex.Message}");
        }

        if (proxy.HttpMethod is { } method && !method.Equals("POST", StringComparison.OrdinalIgnoreCase))
        {
            throw new BadPlotRequestException($"method {method} is not supported; use POST");
        }

        var body = ParseBody(proxy);
        var query = proxy.QueryStringParameters ?? new Dictionary<string, string>();
        var bucket = Agree("bucket", query.TryGetValue("bucket", out var b) ? b : null, body?.Bucket);
        var windowText = Agree("window", query.TryGetValue("window", out var w) ? w : null, WindowText(body?.Window));

        TimeSpan? window = null;
        if (windowText is not null)
        {
            window = DurationText.TryParse(windowText, out var parsed, out var problem) ? parsed : throw new BadPlotRequestException($"window: {problem}");
        }

        return new RenderSizeChart(bucket ?? defaultBucket, window);
    }

    /// <summary>200 with where the chart is, or 404 when the bucket has no history.</summary>
    public static ApiGatewayProxyResponse Answer(SizeChartResult result) => result switch
    {
        SizeChartResult.Rendered chart => Json(HttpStatusCode.OK, PlotResponseBody.Describe(chart), PlotApiJsonContext.Default.PlotResponseBody),
        SizeChartResult.NoHistory missing => Error(HttpStatusCode.NotFound, missing.Message),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result, "a chart result the API does not know"),
    };

    /// <summary>An error response: the message, never a stack trace.</summary>
    public static ApiGatewayProxyResponse Error(HttpStatusCode status, string message) =>
        Json(status, new ErrorBody(message), PlotApiJsonContext.Default.ErrorBody);

    private static PlotRequestBody? ParseBody(ApiGatewayProxyRequest proxy)
    {
        if (string.IsNullOrWhiteSpace(proxy.Body))
        {
            return null;
        }

        try
        {
            var json = proxy.IsBase64Encoded ? Convert.FromBase64String(proxy.Body) : Encoding.UTF8.GetBytes(proxy.Body);
            return JsonSerializer.Deserialize(json, PlotApiJsonContext.Default.PlotRequestBody);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw new BadPlotRequestException($"body must be a JSON object like {{\"bucket\": \"name\", \"window\": \"10s\"}}: {ex.Message}");
        }
    }

    private static string? WindowText(JsonElement? window) => window switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: JsonValueKind.Number } seconds => seconds.GetRawText(),
        { ValueKind: JsonValueKind.Null } => null,
        var other => throw new BadPlotRequestException($"window must be a string such as \"10s\" or a number of seconds, was {other.Value.ValueKind}"),
    };

    private static string? Agree(string name, string? fromQuery, string? fromBody) =>
        fromQuery is not null && fromBody is not null && fromQuery != fromBody
            ? throw new BadPlotRequestException($"{name} is given twice with different values ('{fromQuery}' in the query, '{fromBody}' in the body)")
            : fromQuery ?? fromBody;

    private static ApiGatewayProxyResponse Json<T>(HttpStatusCode status, T body, JsonTypeInfo<T> type) => new()
    {
        StatusCode = (int)status,
        Headers = { ["Content-Type"] = "application/json" },
        Body = JsonSerializer.Serialize(body, type),
    };
}
