using Microsoft.Extensions.Logging;

namespace Assignment3.Adapters.Lambda.RuntimeApi;

/// <summary>
/// The whole of a custom runtime: build the handler once, then forever fetch an invocation, run the handler on its
/// payload and post what came of it. A stream handler (<c>Task&lt;Stream&gt; Handle(Stream)</c>) is the same shape the
/// managed runtime calls, so one function class serves both.
/// </summary>
public static class LambdaRuntimeLoop
{
    /// <summary>Where X-Ray's trace header goes for the AWS SDK to pick up; Lambda's own runtimes set it per invocation.</summary>
    public const string TraceIdVariable = ManagedRuntimeInvocation.TraceIdVariable;

    /// <summary>The function's memory in MB, which Lambda puts in every runtime's environment.</summary>
    public const string MemorySizeVariable = "AWS_LAMBDA_FUNCTION_MEMORY_SIZE";

    /// <summary>
    /// A native bundle's whole <c>Main</c>: builds <typeparamref name="TFunction"/> as the managed runtime would (its
    /// parameterless constructor, on the first invocation's way in), serves invocations with its
    /// <see cref="ILambdaFunction.Handle"/> until Lambda stops the process, and logs the runtime's own lines as JSON on
    /// standard output.
    /// </summary>
    public static async Task<int> RunAsync<TFunction>()
        where TFunction : ILambdaFunction, new()
    {
        TFunction? function = default;
        using var logs = new JsonLineLoggerProvider(FunctionHost.StandardOutput());
        try
        {
            return await RunAsync(() => (function = new TFunction()).Handle, logs.CreateLogger("runtime"));
        }
        finally
        {
            function?.Dispose();
        }
    }

    /// <summary>
    /// Runs until <paramref name="cancellationToken"/> is cancelled (exit code 0) or the function cannot go on (non-zero):
    /// <paramref name="initialize"/> failed (reported on <c>/init/error</c>), or the Runtime API is gone or broken.
    /// </summary>
    /// <param name="initialize">Builds the handler; called once, before the first invocation.</param>
    /// <param name="logger">Where the runtime's own lines go (the handler logs for itself).</param>
    /// <param name="runtimeApi"><c>host:port</c>; null reads <see cref="RuntimeApiClient.EndpointVariable"/>.</param>
    /// <param name="cancellationToken">Stops the loop between invocations (tests).</param>
    public static async Task<int> RunAsync(Func<Func<Stream, Task<Stream>>> initialize, ILogger logger, string? runtimeApi = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(initialize);
        ArgumentNullException.ThrowIfNull(logger);
        runtimeApi ??= Environment.GetEnvironmentVariable(RuntimeApiClient.EndpointVariable);
        if (string.IsNullOrWhiteSpace(runtimeApi))
        {
            logger.LogCritical("{Variable} is not set: this program runs only as a Lambda custom runtime", RuntimeApiClient.EndpointVariable);
            return 2;
        }

        var heapLimit = LimitHeapToFunctionMemory(Environment.GetEnvironmentVariable(MemorySizeVariable));
        logger.LogInformation("runtime started; the GC may use {AvailableBytes} bytes (function memory {MemorySize} MB)",
            GC.GetGCMemoryInfo().TotalAvailableMemoryBytes, heapLimit is { } limit ? limit / 1048576 : null);
        using var client = new RuntimeApiClient(runtimeApi);
        try
        {
            Func<Stream, Task<Stream>> handler;
            try
            {
                handler = initialize();
            }
            catch (Exception ex)
            {
                logger.LogCritical(ex, "the function could not start: {Error}", ex.Message);
                await client.ReportInitErrorAsync(RuntimeErrorBody.From(ex), cancellationToken);
                return 1;
            }

            while (!cancellationToken.IsCancellationRequested)
            {
                var invocation = await client.NextAsync(cancellationToken);
                await InvokeAsync(client, handler, invocation, logger, cancellationToken);
            }

            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (Exception ex)
        {
            // The Runtime API is unreachable or answered 5xx: Lambda expects the runtime to exit and starts a new one.
            logger.LogCritical(ex, "the Runtime API failed: {Error}", ex.Message);
            return 1;
        }
    }

    /// <summary>
    /// .NET does not see the memory Lambda gives a function; AWS's own .NET runtime therefore sets the GC's hard heap
    /// limit to the function's memory, and so does this loop: the GC collects before Lambda would end the process for
    /// running out. A limit already lower (set by the function's own configuration) is kept. Returns the limit set.
    /// </summary>
    public static ulong? LimitHeapToFunctionMemory(string? megabytes)
    {
        if (!ulong.TryParse(megabytes, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var mb) || mb == 0)
        {
            return null;
        }

        var bytes = mb * 1048576;
        if ((ulong)GC.GetGCMemoryInfo().TotalAvailableMemoryBytes > bytes)
        {
            AppContext.SetData("GCHeapHardLimit", bytes);
            GC.RefreshMemoryLimit();
        }

        return bytes;
    }

    private static async Task InvokeAsync(RuntimeApiClient client, Func<Stream, Task<Stream>> handler, LambdaInvocation invocation, ILogger logger,
        CancellationToken cancellationToken)
    {
        // Removed when absent, so an untraced invocation never carries the trace of the one before it.
        Environment.SetEnvironmentVariable(TraceIdVariable, invocation.TraceId);
        using var scope = InvocationContext.Begin(new InvocationContext(invocation.RequestId, invocation.TraceId, invocation.Deadline));
        Stream? output = null;
        Exception? failure = null;
        try
        {
            using var input = new MemoryStream(invocation.Payload, writable: false);
            output = await handler(input) ?? throw new InvalidOperationException("the handler returned no stream");
        }
        catch (Exception ex)
        {
            // The handler logs its own failures; the runtime only reports it to Lambda.
            failure = ex;
        }

        try
        {
            if (failure is not null)
            {
                await client.ReportInvocationErrorAsync(invocation.RequestId, RuntimeErrorBody.From(failure), cancellationToken);
                return;
            }

            await using (output)
            {
                await client.RespondAsync(invocation.RequestId, output!, cancellationToken);
            }
        }
        catch (RuntimeApiException refused) when (refused.StatusCode is >= 400 and < 500)
        {
            // Lambda refused what was posted for this invocation (a response too large, an error body it cannot read, an
            // invocation it has already ended) and has failed it with its own error: another post would be refused too.
            // Say why here, then go on serving: only a 5xx means the environment is broken.
            logger.LogError(refused, "the {What} for {RequestId} was refused ({ErrorType}): {Error}",
                failure is null ? "response" : "error report", invocation.RequestId, refused.ErrorType, refused.Message);
        }
    }
}

/// <summary>
/// A function as both Lambda runtimes call it: the managed runtime constructs it and calls <see cref="Handle"/> by its
/// handler string; a native bundle's one-line <c>Program.cs</c> hands it to <see cref="LambdaRuntimeLoop.RunAsync{TFunction}"/>.
/// </summary>
public interface ILambdaFunction : IDisposable
{
    /// <summary>Serves one invocation: its payload in, its response out.</summary>
    Task<Stream> Handle(Stream input);
}
