using Microsoft.Extensions.Logging;

namespace Assignment3.Adapters.LambdaRuntime;

/// <summary>
/// The whole of a custom runtime: build the handler once, then forever fetch an invocation, run the handler on its
/// payload and post what came of it. A stream handler (<c>Task&lt;Stream&gt; Handle(Stream)</c>) is the same shape the
/// managed runtime calls, so one function class serves both.
/// </summary>
public static class LambdaRuntimeLoop
{
    /// <summary>Where X-Ray's trace header goes for the AWS SDK to pick up; Lambda's own runtimes set it per invocation.</summary>
    public const string TraceIdVariable = "_X_AMZN_TRACE_ID";

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

    private static async Task InvokeAsync(RuntimeApiClient client, Func<Stream, Task<Stream>> handler, LambdaInvocation invocation, ILogger logger,
        CancellationToken cancellationToken)
    {
        Environment.SetEnvironmentVariable(TraceIdVariable, invocation.TraceId);
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

        if (failure is not null)
        {
            await client.ReportInvocationErrorAsync(invocation.RequestId, RuntimeErrorBody.From(failure), cancellationToken);
            return;
        }

        try
        {
            await using (output)
            {
                await client.RespondAsync(invocation.RequestId, output!, cancellationToken);
            }
        }
        catch (RuntimeApiException refused) when (refused.StatusCode is >= 400 and < 500)
        {
            // Lambda refused this response (too large, say): the invocation must still end, as a failure that names why.
            logger.LogError(refused, "the response to {RequestId} was refused ({ErrorType}): {Error}", invocation.RequestId, refused.ErrorType, refused.Message);
            await client.ReportInvocationErrorAsync(invocation.RequestId,
                new RuntimeErrorBody(refused.Message, refused.ErrorType, []), cancellationToken);
        }
    }
}
