using Assignment3.Adapters.InMemory;
using Assignment3.Adapters.Local;
using Assignment3.Domain;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Assignment3.TestKit;

/// <summary>
/// The domain wired to in-memory adapters, as a user would wire it for unit tests. With <c>trackChanges</c>, every
/// change of the data bucket is recorded at once, as the size-tracking function would.
/// </summary>
public sealed class DomainHarness : IDisposable
{
    public const string DataBucket = "data-bucket";
    public const string PlotBucket = "plot-bucket";

    private readonly ServiceProvider _provider;

    public DomainHarness(bool trackChanges = true, int pageSize = 1000, DemoSettings? demo = null,
        Action<IServiceCollection>? configure = null, TrackingMode tracking = TrackingMode.Listing)
    {
        Store = new InMemoryBlobStore(pageSize);
        var services = new ServiceCollection()
            .AddDomain()
            .AddLogging(logging => logging.AddProvider(Logs))
            .AddSingleton<IHistoryRepository>(History)
            .AddSingleton<IObjectStateStore>(ObjectStates)
            .AddSingleton<ISizeChartRenderer>(Renderer)
            .AddSingleton<TimeProvider>(Clock)
            .AddSingleton(new ChartSettings(PlotBucket, 640, 480))
            .AddTransient<IPlotApi, InProcessPlotApi>();
        services.Replace(ServiceDescriptor.Singleton(demo ?? new DemoSettings(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(5))));
        services.Replace(ServiceDescriptor.Singleton(TrackingSettings.Default with { Mode = tracking }));
        services.AddSingleton<IBlobStore>(sp => trackChanges
            ? new ChangeNotifyingBlobStore(Store, (change, ct) => change.BucketName == DataBucket
                ? sp.GetRequiredService<IMediator>().Send(new RecordBucketSize(change.BucketName), ct)
                : Task.CompletedTask)
            : Store);
        configure?.Invoke(services);
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }

    public InMemoryBlobStore Store { get; }

    public InMemoryHistoryRepository History { get; } = new();

    /// <summary>The objects' states and totals incremental tracking keeps (unused in listing mode).</summary>
    public InMemoryObjectStateStore ObjectStates { get; } = new();

    public RecordingChartRenderer Renderer { get; } = new();

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));

    public CollectingLoggerProvider Logs { get; } = new();

    public IMediator Mediator => _provider.GetRequiredService<IMediator>();

    public Task<TResponse> Send<TResponse>(IRequest<TResponse> request) => Mediator.Send(request);

    public void Dispose() => _provider.Dispose();
}

/// <summary>Keeps log entries so tests can assert what was logged.</summary>
public sealed class CollectingLoggerProvider : ILoggerProvider
{
    private readonly List<(LogLevel Level, string Message)> _entries = [];

    public IReadOnlyList<(LogLevel Level, string Message)> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(CollectingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (provider._entries)
            {
                provider._entries.Add((logLevel, formatter(state, exception)));
            }
        }
    }
}
