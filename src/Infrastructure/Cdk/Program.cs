using Amazon.CDK;
using Amazon.JSII.Runtime.Services;
using Assignment3.Infrastructure;
using Assignment3.Infrastructure.Bundling;
using Microsoft.Extensions.Logging;

// jsii's Node child process inherits this: it hides the Node 20 end-of-life banner on every synth.
if (System.Environment.GetEnvironmentVariable("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION") is null)
{
    System.Environment.SetEnvironmentVariable("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
}

// jsii logs a harmless ReflectionTypeLoadException about Constructs.IMixin below Error level: show errors only.
ServiceContainer.ServiceProviderOverride = ServiceContainer.BuildServiceProvider(
    LoggerFactory.Create(logging => logging.SetMinimumLevel(LogLevel.Error).AddProvider(new StandardErrorLoggerProvider())));

var app = new App();
try
{
    AssignmentApp.Build(app, RepositoryRoot.Find());
}
catch (Exception ex) when (ex is ArgumentException or NativeBuildImpossibleException or BundleNotLoadableException)
{
    // A setting out of its choices, a native build this machine cannot make, a bundle Lambda could not start: the
    // message says what to do, and a stack trace would only bury it. Nothing is written.
    Console.Error.WriteLine($"assignment3: error: {ex.Message}");
    return 1;
}

app.Synth();
return 0;

/// <summary>jsii's errors, one line each on standard error.</summary>
internal sealed class StandardErrorLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new StandardErrorLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class StandardErrorLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Error;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                Console.Error.WriteLine($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : $" ({exception.Message})")}");
            }
        }
    }
}
