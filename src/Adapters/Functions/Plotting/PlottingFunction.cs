using System.Net;
using System.Text;
using System.Text.Json;
using Assignment3.Adapters.Aws;
using Assignment3.Adapters.Charting;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.Lambda.Contracts;
using Assignment3.Catalog;
using Assignment3.Domain.Pipeline;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using Microsoft.Extensions.DependencyInjection;

namespace Assignment3.Functions.Plotting;

/// <summary>
/// Handler <c>Assignment3.Functions.Plotting::Assignment3.Functions.Plotting.PlottingFunction::Handle</c>.
/// POST with optional <c>bucket</c> and <c>window</c> in the query string or a JSON body. Answers 200 with where the
/// chart went and a presigned link to it (valid <see cref="LinkLifetime"/>), 400 for bad parameters, 404 for a bucket without history, 500 only for faults — never a stack trace.
/// </summary>
public sealed class PlottingFunction : IDisposable
{
    private readonly FunctionSettings _settings;
    private readonly FunctionHost _host;

    /// <summary>Used by the Lambda runtime: settings from the environment, logs on stdout.</summary>
    public PlottingFunction()
        : this(FunctionSettings.FromEnvironment(), Console.Out)
    {
    }

    /// <summary>Used by tests and the local invoker.</summary>
    public PlottingFunction(FunctionSettings settings, TextWriter log)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _host = new FunctionHost("plotting", settings, log, services => services
            .AddAwsClients(settings.Read)
            .AddDynamoDbHistory(settings.TableName, settings.SizeIndexName)
            .AddS3Blobs()
            .AddSingleton(sp => (S3BlobStore)sp.GetRequiredService<IBlobStore>())
            .AddSingleton<ISizeChartRenderer>(_ => new MeasuredChartRenderer(new ScottPlotSizeChartRenderer(), _host!.Metrics))
            .AddSingleton(new ChartSettings(settings.PlotBucketName)));
    }

    /// <summary>Draws the chart the request asks for.</summary>
    public async Task<Stream> Handle(Stream input)
    {
        ApiGatewayProxyResponse response;
        try
        {
            var request = await ParseAsync(input);
            response = await _host.SendAsync(request) switch
            {
                SizeChartResult.Rendered chart => Json(HttpStatusCode.OK, PlotResponseBody.Describe(await WithLinkAsync(chart)), LambdaJsonContext.Default.PlotResponseBody),
                SizeChartResult.NoHistory missing => Error(HttpStatusCode.NotFound, missing.Message),
                var other => throw new InvalidOperationException($"unexpected chart result {other}"),
            };
        }
        catch (Exception ex) when (ex is BadRequestException or RequestValidationException)
        {
            _host.Fail(ex, "bad plot request");
            response = Error(HttpStatusCode.BadRequest, ex.Message);
        }
        catch (Exception ex)
        {
            var error = _host.Fail(ex, "plotting failed");
            response = Error(HttpStatusCode.InternalServerError,
                error is MissingSettingException ? error.Message : "internal error; the plotting function's log has the details");
        }

        return FunctionHost.Respond(response, LambdaJsonContext.Default.ApiGatewayProxyResponse);
    }

    /// <summary>How long the link to a chart works: long enough to open it from the response, short enough not to linger.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(15);

    /// <inheritdoc />
    public void Dispose() => _host.Dispose();

    private async Task<SizeChartResult.Rendered> WithLinkAsync(SizeChartResult.Rendered chart) =>
        chart with { Link = await _host.GetRequiredService<S3BlobStore>().PresignGetAsync(chart.Location.BucketName, chart.Location.Key, LinkLifetime) };

    private async Task<RenderSizeChart> ParseAsync(Stream input)
    {
        ApiGatewayProxyRequest proxy;
        try
        {
            proxy = JsonSerializer.Deserialize(await FunctionHost.ReadAllAsync(input), LambdaJsonContext.Default.ApiGatewayProxyRequest)
                ?? throw new BadRequestException("request is empty");
        }
        catch (JsonException ex)
        {
            throw new BadRequestException($"request is not an API Gateway proxy event: {ex.Message}");
        }

        if (proxy.HttpMethod is { } method && !method.Equals("POST", StringComparison.OrdinalIgnoreCase))
        {
            throw new BadRequestException($"method {method} is not supported; use POST");
        }

        var body = ParseBody(proxy);
        var query = proxy.QueryStringParameters ?? new Dictionary<string, string>();
        var bucket = Agree("bucket", query.TryGetValue("bucket", out var b) ? b : null, body?.Bucket);
        var windowText = Agree("window", query.TryGetValue("window", out var w) ? w : null, WindowText(body?.Window));

        TimeSpan? window = null;
        if (windowText is not null)
        {
            window = DurationText.TryParse(windowText, out var parsed, out var problem) ? parsed : throw new BadRequestException($"window: {problem}");
        }

        return new RenderSizeChart(bucket ?? _settings.DataBucketName, window);
    }

    private static PlotRequestBody? ParseBody(ApiGatewayProxyRequest proxy)
    {
        if (string.IsNullOrWhiteSpace(proxy.Body))
        {
            return null;
        }

        try
        {
            var json = proxy.IsBase64Encoded ? Convert.FromBase64String(proxy.Body) : Encoding.UTF8.GetBytes(proxy.Body);
            return JsonSerializer.Deserialize(json, LambdaJsonContext.Default.PlotRequestBody);
        }
        catch (Exception ex) when (ex is JsonException or FormatException)
        {
            throw new BadRequestException($"body must be a JSON object like {{\"bucket\": \"name\", \"window\": \"10s\"}}: {ex.Message}");
        }
    }

    private static string? WindowText(JsonElement? window) => window switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } text => text.GetString(),
        { ValueKind: JsonValueKind.Number } seconds => seconds.GetRawText(),
        { ValueKind: JsonValueKind.Null } => null,
        var other => throw new BadRequestException($"window must be a string such as \"10s\" or a number of seconds, was {other.Value.ValueKind}"),
    };

    private static string? Agree(string name, string? fromQuery, string? fromBody) =>
        fromQuery is not null && fromBody is not null && fromQuery != fromBody
            ? throw new BadRequestException($"{name} is given twice with different values ('{fromQuery}' in the query, '{fromBody}' in the body)")
            : fromQuery ?? fromBody;

    private static ApiGatewayProxyResponse Error(HttpStatusCode status, string message) =>
        Json(status, new ErrorBody(message), LambdaJsonContext.Default.ErrorBody);

    private static ApiGatewayProxyResponse Json<T>(HttpStatusCode status, T body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) => new()
    {
        StatusCode = (int)status,
        Headers = { ["Content-Type"] = "application/json" },
        Body = JsonSerializer.Serialize(body, type),
    };

    private sealed class BadRequestException(string message) : Exception(message);
}

/// <summary>Times each render and reports it as the <see cref="MetricNames.ChartRenderTime"/> metric.</summary>
internal sealed class MeasuredChartRenderer(ISizeChartRenderer inner, EmbeddedMetrics metrics) : ISizeChartRenderer
{
    public byte[] RenderPng(SizeChart chart)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var png = inner.RenderPng(chart);
        metrics.Write(DateTimeOffset.UtcNow, new Dictionary<string, string>(),
            new Metric(MetricNames.ChartRenderTime, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds, MetricUnit.Milliseconds));
        return png;
    }
}
