using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Assignment3.Domain;
using MediatR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Assignment3.Adapters.Lambda;

/// <summary>
/// What every function's entry point shares: JSON-line logs on stdout, a service provider built on the first
/// invocation (so a missing setting fails that invocation with its name), one scope per invocation, and the
/// stream-in/stream-out plumbing of the managed runtime without Amazon.Lambda packages.
/// </summary>
public sealed class FunctionHost : IDisposable
{
    private readonly JsonLineLoggerProvider _logs;
    private readonly Lazy<ServiceProvider> _services;
    private readonly FunctionSettings _settings;
    private readonly string _functionName;
    private readonly TimeProvider _time;
    private bool _saidNoInvocation;

    /// <summary>The application log level Lambda sets in the environment when the function has one.</summary>
    public const string LambdaLogLevelVariable = "AWS_LAMBDA_LOG_LEVEL";

    /// <summary>Creates the host; <paramref name="configure"/> adds the function's adapters (the domain and logging are added here).</summary>
    public FunctionHost(string functionName, FunctionSettings settings, TextWriter log, Action<IServiceCollection> configure, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _settings = settings ?? throw new ArgumentNullException(nameof(settings));
        _functionName = functionName;
        _logs = new JsonLineLoggerProvider(log, JsonLineLoggerProvider.MinimumLevelFromLambda(settings.Read(LambdaLogLevelVariable)));
        Metrics = new EmbeddedMetrics(_logs.WriteLine);
        Logger = _logs.CreateLogger(functionName);
        _services = new Lazy<ServiceProvider>(() =>
        {
            var services = new ServiceCollection().AddDomain().AddLogging(logging => logging.AddProvider(_logs));
            configure(services);
            // Not ValidateOnBuild: the domain registers every use case, and each function wires the ports of its own only.
            return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
        });
    }

    /// <summary>
    /// Where a function logs. In Lambda (<c>AWS_LAMBDA_FUNCTION_NAME</c> is set) the process's own standard output, not
    /// <see cref="Console.Out"/>: the managed runtime replaces that with a writer that puts time, request id and level
    /// before each line, and a line that does not start with its JSON is neither a structured log line nor an
    /// embedded-format metric. Elsewhere (the local invoker, tests) <see cref="Console.Out"/>, wherever it was pointed.
    /// </summary>
    public static TextWriter StandardOutput() =>
        Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") is null
            ? Console.Out
            : LambdaStandardOutput.Value;

    private static readonly Lazy<TextWriter> LambdaStandardOutput = new(() =>
        TextWriter.Synchronized(new StreamWriter(Console.OpenStandardOutput(), new System.Text.UTF8Encoding(false)) { AutoFlush = true }));

    /// <summary>CloudWatch metrics as embedded-metric-format lines on the same log writer.</summary>
    public EmbeddedMetrics Metrics { get; }

    /// <summary>The function's own logger (JSON lines on its log writer).</summary>
    public ILogger Logger { get; }

    /// <summary>
    /// Sends <paramref name="request"/> through the domain pipeline in a scope of its own, under the invocation's
    /// deadline (<see cref="InvocationBudget"/>): whatever is still running when it passes is cancelled, and the
    /// invocation fails with <see cref="InvocationDeadlineException"/>.
    /// </summary>
    public async Task<TResponse> SendAsync<TResponse>(IRequest<TResponse> request)
    {
        var budget = InvocationBudget();
        using var timer = budget is { } limit ? new CancellationTokenSource(limit) : new CancellationTokenSource();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var scope = _services.Value.CreateScope();
        try
        {
            return await scope.ServiceProvider.GetRequiredService<IMediator>().Send(request, timer.Token);
        }
        catch (Exception ex) when (timer.IsCancellationRequested)
        {
            throw new InvocationDeadlineException(
                $"{_functionName} gave up on {request.GetType().Name} after {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s: " +
                $"its budget of {budget!.Value.TotalSeconds:F1} s (shy of Lambda's deadline for the invocation) ran out while a call to a dependency was still running",
                ex);
        }
    }

    /// <summary>
    /// How long the work of this invocation may take: until shy of Lambda's deadline for it (the Runtime API's
    /// <c>Lambda-Runtime-Deadline-Ms</c> natively, the managed runtime's own otherwise), so that a stalled dependency
    /// fails the invocation with a clear error before Lambda kills it mid-call. Where no runtime gives a deadline (the
    /// CLI's <c>invoke</c>, tests) the function's timeout setting stands in; without that either, no limit.
    /// </summary>
    public TimeSpan? InvocationBudget()
    {
        var invocation = InvocationContext.Current;
        if (invocation is null && !_saidNoInvocation && Environment.GetEnvironmentVariable("AWS_LAMBDA_FUNCTION_NAME") is not null)
        {
            // On Lambda every invocation has one; not finding it is worth one line, not one per invocation.
            _saidNoInvocation = true;
            Logger.LogWarning("the runtime's invocation headers were not found: log lines carry no request id, and the " +
                "deadline falls back to {Setting}", Catalog.FunctionSettingNames.FunctionTimeout);
        }

        return invocation?.Deadline is { } deadline
            ? FunctionSettings.ShyOf(deadline - _time.GetUtcNow())
            : _settings.InvocationDeadline;
    }

    /// <summary>A service of the function's own (an adapter it wired), from the root provider.</summary>
    public T GetRequiredService<T>()
        where T : notnull => _services.Value.GetRequiredService<T>();

    /// <summary>Reads the whole invocation payload.</summary>
    public static async Task<byte[]> ReadAllAsync(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var buffer = new MemoryStream();
        await input.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>Serializes the response into a stream at position 0, as the runtime expects.</summary>
    public static Stream Respond<T>(T value, JsonTypeInfo<T> type) => new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(value, type), writable: false);

    /// <summary>
    /// Logs <paramref name="error"/> as one JSON error line, unless the domain pipeline logged it already, and returns
    /// it for rethrowing, so the invocation fails.
    /// </summary>
    public Exception Fail(Exception error, string what)
    {
        ArgumentNullException.ThrowIfNull(error);
        var failure = FindSettingError(error) ?? error;
        if (!Domain.Pipeline.FailureLog.WasLogged(failure))
        {
            Logger.LogError(failure, "{What}: {Error}", what, failure.Message);
        }

        return failure;
    }

    /// <summary>
    /// Logs a refused request as one warning without a stack trace (the caller's mistake, not a fault), unless the
    /// domain pipeline already did, and returns it.
    /// </summary>
    public Exception Refuse(Exception refusal, string what)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        if (refusal is not Domain.Pipeline.RequestValidationException)
        {
            Logger.LogWarning("{What}: {Error}", what, refusal.Message);
        }

        return refusal;
    }

    // MediatR wraps a handler's construction error; the setting's name is in the inner exception.
    private static MissingSettingException? FindSettingError(Exception? error)
    {
        for (; error is not null; error = error.InnerException)
        {
            if (error is MissingSettingException setting)
            {
                return setting;
            }
        }

        return null;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_services.IsValueCreated)
        {
            _services.Value.Dispose();
        }

        _logs.Dispose();
    }
}

/// <summary>An invocation ran out of time before its work was done; the inner exception shows where it was waiting.</summary>
public sealed class InvocationDeadlineException(string message, Exception inner) : TimeoutException(message, inner);
