using Assignment3.Adapters.Charting;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.Local;
using Assignment3.Domain;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Assignment3.Cli;

/// <summary>
/// The composition root of the local run: everything under one state folder — buckets as folders, the history in
/// SQLite (and, tracking incrementally, the objects' states in <c>objects.db</c>), events in <c>events.jsonl</c>, JSON-line
/// logs in <c>log.jsonl</c>.
/// </summary>
public sealed class LocalSystem : IAsyncDisposable
{
    /// <summary>The tracked bucket's local name.</summary>
    public const string DataBucket = "assignment3-data";

    /// <summary>The chart bucket's local name.</summary>
    public const string PlotBucket = "assignment3-plots";

    /// <summary>The state folder used unless --state names another.</summary>
    public const string DefaultStateDirectory = ".assignment3";

    private readonly ServiceProvider _provider;
    private readonly StreamWriter _log;

    private LocalSystem(string stateDirectory, Action<string> report, TrackingMode tracking)
    {
        StateDirectory = Path.GetFullPath(stateDirectory);
        Directory.CreateDirectory(StateDirectory);
        Blobs = new FolderBlobStore(Path.Combine(StateDirectory, "buckets"));
        HistoryPath = Path.Combine(StateDirectory, "history.db");
        _log = new StreamWriter(Path.Combine(StateDirectory, "log.jsonl"), append: true);

        var services = new ServiceCollection()
            .AddDomain()
            .AddLogging(logging => logging.AddProvider(new JsonLineLoggerProvider(_log)))
            .AddSingleton<IHistoryRepository>(new SqliteHistoryRepository(HistoryPath))
            .AddSingleton(TrackingSettings.Default with { Mode = tracking })
            .AddSingleton<IBlobStore>(sp => new ChangeNotifyingBlobStore(Blobs, sp.GetRequiredService<LocalEventBridge>().PublishAsync))
            .AddSingleton(sp => new LocalEventBridge(sp, DataBucket, Path.Combine(StateDirectory, "events.jsonl"), report))
            .AddSingleton<ISizeChartRenderer, ScottPlotSizeChartRenderer>()
            .AddTransient<IPlotApi, InProcessPlotApi>()
            .AddSingleton(new ChartSettings(PlotBucket))
            .AddSingleton(new DemoSettings(TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(20)))
            .AddSingleton<INotificationHandler<DemoStepObserved>>(new DemoProgressReporter(report));
        if (tracking == TrackingMode.Incremental)
        {
            services.AddSingleton<IObjectStateStore>(new SqliteObjectStateStore(Path.Combine(StateDirectory, "objects.db")));
        }

        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        // Start the event delivery now, so that no change is made before something listens.
        _ = _provider.GetRequiredService<LocalEventBridge>();
    }

    /// <summary>The state folder's full path.</summary>
    public string StateDirectory { get; }

    /// <summary>The SQLite history file.</summary>
    public string HistoryPath { get; }

    /// <summary>The buckets (without change notification: reading only).</summary>
    public FolderBlobStore Blobs { get; }

    /// <summary>
    /// Opens the local system in <paramref name="stateDirectory"/>; <paramref name="report"/> receives progress lines.
    /// Incremental <paramref name="tracking"/> keeps the objects' states and totals in <c>objects.db</c> next to the history.
    /// </summary>
    public static LocalSystem Open(string stateDirectory, Action<string> report, TrackingMode tracking = TrackingMode.Listing) =>
        new(stateDirectory, report, tracking);

    /// <summary>Sends a request through the pipeline, as every adapter does.</summary>
    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> request, CancellationToken cancellationToken)
    {
        using var scope = _provider.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, cancellationToken);
    }

    /// <summary>Waits for queued events, then closes the log.</summary>
    public async ValueTask DisposeAsync()
    {
        await _provider.DisposeAsync();
        await _log.DisposeAsync();
    }

    private sealed class DemoProgressReporter(Action<string> report) : INotificationHandler<DemoStepObserved>
    {
        public Task Handle(DemoStepObserved notification, CancellationToken cancellationToken)
        {
            var record = notification.Step.Observed;
            report($"[{notification.Number}/{notification.Total}] {notification.Step.Description}: history shows " +
                $"{record.ObjectCount} object(s), {record.TotalSize} B at {record.Time:HH:mm:ss.fff}");
            return Task.CompletedTask;
        }
    }
}
