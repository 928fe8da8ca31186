using System.Net;
using Assignment3.Adapters.Aws;
using Assignment3.Adapters.Charting;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.Lambda.RuntimeApi;
using Assignment3.Adapters.PlotApi;
using Assignment3.Catalog;
using Assignment3.Domain;
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
public sealed class PlottingFunction : ILambdaFunction
{
    private readonly FunctionSettings _settings;
    private readonly FunctionHost _host;

    /// <summary>Used by the Lambda runtime: settings from the environment, logs on the process's standard output.</summary>
    public PlottingFunction()
        : this(FunctionSettings.FromEnvironment(), FunctionHost.StandardOutput())
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

    /// <summary>How long the link to a chart works: long enough to open it from the response, short enough not to linger.</summary>
    public static readonly TimeSpan LinkLifetime = TimeSpan.FromMinutes(15);

    /// <summary>Draws the chart the request asks for.</summary>
    public async Task<Stream> Handle(Stream input)
    {
        ApiGatewayProxyResponse response;
        try
        {
            var request = PlotApiTranslator.Translate(await FunctionHost.ReadAllAsync(input), _settings.DataBucketName);
            var result = await _host.SendAsync(request);
            response = PlotApiTranslator.Answer(result is SizeChartResult.Rendered chart ? await WithLinkAsync(chart) : result);
        }
        catch (Exception ex) when (ex is BadPlotRequestException or RequestValidationException)
        {
            response = PlotApiTranslator.Error(HttpStatusCode.BadRequest, _host.Refuse(ex, "bad plot request").Message);
        }
        catch (Exception ex)
        {
            var error = _host.Fail(ex, "plotting failed");
            response = PlotApiTranslator.Error(HttpStatusCode.InternalServerError,
                error is MissingSettingException ? error.Message : "internal error; the plotting function's log has the details");
        }

        return FunctionHost.Respond(response, PlotApiJsonContext.Default.ApiGatewayProxyResponse);
    }

    /// <inheritdoc />
    public void Dispose() => _host.Dispose();

    private async Task<SizeChartResult.Rendered> WithLinkAsync(SizeChartResult.Rendered chart) =>
        chart with { Link = await _host.GetRequiredService<S3BlobStore>().PresignGetAsync(chart.Location.BucketName, chart.Location.Key, LinkLifetime) };
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
