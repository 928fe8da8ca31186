using System.Diagnostics;
using MediatR;
using Microsoft.Extensions.Logging;

namespace Assignment3.Domain.Pipeline;

/// <summary>
/// Logs each request with its outcome and duration, so every failure leaves one line saying what failed. A failure
/// logged here is marked (<see cref="FailureLog.WasLogged"/>), so the entry point that catches it does not log it a
/// second time.
/// </summary>
public sealed class LoggingBehavior<TRequest, TResponse>(ILogger<LoggingBehavior<TRequest, TResponse>> logger)
    : IPipelineBehavior<TRequest, TResponse>
{
    /// <inheritdoc />
    public async Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken, RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        var name = typeof(TRequest).Name;
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await next();
            logger.LogInformation("{Request} handled in {ElapsedMs:F1} ms: {Response}",
                name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, response);
            return response;
        }
        catch (RequestValidationException ex)
        {
            logger.LogWarning("{Request} refused: {Error}", name, ex.Message);
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "{Request} failed after {ElapsedMs:F1} ms: {Error}",
                name, Stopwatch.GetElapsedTime(started).TotalMilliseconds, ex.Message);
            FailureLog.MarkLogged(ex);
            throw;
        }
    }
}

/// <summary>Tells whether a failure has been logged as an error already, so it is logged once.</summary>
public static class FailureLog
{
    private const string LoggedKey = "Assignment3.LoggedAsError";

    /// <summary>Notes that <paramref name="error"/> has been logged as an error.</summary>
    public static void MarkLogged(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        error.Data[LoggedKey] = true;
    }

    /// <summary>True when <paramref name="error"/> has been logged as an error.</summary>
    public static bool WasLogged(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error.Data[LoggedKey] is true;
    }
}
