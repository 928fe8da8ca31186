using System.Diagnostics;
using MediatR;
using Microsoft.Extensions.Logging;

namespace Assignment3.Domain.Pipeline;

/// <summary>Logs each request with its outcome and duration, so every failure leaves one line saying what failed.</summary>
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
            throw;
        }
    }
}
