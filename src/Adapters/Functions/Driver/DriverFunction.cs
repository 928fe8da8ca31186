using Assignment3.Adapters.Aws;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.Lambda.RuntimeApi;
using Assignment3.Adapters.PlotApi;
using Assignment3.Domain.UseCases;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Assignment3.Functions.Driver;

/// <summary>
/// Handler <c>Assignment3.Functions.Driver::Assignment3.Functions.Driver.DriverFunction::Handle</c>.
/// Any input starts the demo on <c>DATA_BUCKET_NAME</c>; the chart comes from the plotting API at <c>PLOT_API_URL</c>
/// through a SigV4-signed request. Returns the sizes seen and where the chart went. Fails if a step never shows up,
/// or if the chart is missing; the error then says which sizes the demo saw and why there is no chart.
/// </summary>
public sealed class DriverFunction : ILambdaFunction
{
    private readonly FunctionSettings _settings;
    private readonly FunctionHost _host;

    /// <summary>Used by the Lambda runtime: settings from the environment, logs on the process's standard output.</summary>
    public DriverFunction()
        : this(FunctionSettings.FromEnvironment(), FunctionHost.StandardOutput(), DemoSettings.Default)
    {
    }

    /// <summary>Used by tests and the local invoker.</summary>
    public DriverFunction(FunctionSettings settings, TextWriter log, DemoSettings demo)
    {
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _host = new FunctionHost("driver", settings, log, services => services
            .AddAwsClients(settings.Read)
            .AddDynamoDbHistory(settings.TableName, settings.SizeIndexName)
            .AddS3Blobs()
            .AddSignedPlotApi(settings.PlotApiUrl)
            .AddSingleton(demo)
            .AddSingleton<INotificationHandler<DemoStepObserved>, ProgressLogger>());
    }

    /// <summary>Runs the demo; the input is ignored.</summary>
    public async Task<Stream> Handle(Stream input)
    {
        try
        {
            await FunctionHost.ReadAllAsync(input);
            var report = await _host.SendAsync(new RunDemo(_settings.DataBucketName));
            _host.Logger.LogInformation("chart {Location} ({Points} points), open it within 15 minutes at {Link}",
                report.Chart.Location.ToString(), report.Chart.PointsDrawn, report.Chart.Link?.AbsoluteUri ?? "(no link)");
            return FunctionHost.Respond(
                new DemoResponseBody(_settings.DataBucketName, [.. report.Steps.Select(s => s.Observed.TotalSize)], report.SizeSequence,
                    PlotResponseBody.Describe(report.Chart)),
                DriverJsonContext.Default.DemoResponseBody);
        }
        catch (Exception ex)
        {
            throw _host.Fail(ex, "demo failed");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _host.Dispose();

    private sealed class ProgressLogger(ILogger<DriverFunction> logger) : INotificationHandler<DemoStepObserved>
    {
        public Task Handle(DemoStepObserved notification, CancellationToken cancellationToken)
        {
            logger.LogInformation("step {Number}/{Total} {Step}: {Objects} object(s), {Bytes} B", notification.Number,
                notification.Total, notification.Step.Description, notification.Step.Observed.ObjectCount, notification.Step.Observed.TotalSize);
            return Task.CompletedTask;
        }
    }
}
