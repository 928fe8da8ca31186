using Assignment3.Adapters.Aws;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.Lambda.Contracts;
using Assignment3.Adapters.Lambda.RuntimeApi;
using Assignment3.Catalog;
using Assignment3.Domain.UseCases;
using Microsoft.Extensions.Logging;

namespace Assignment3.Functions.SizeTracking;

/// <summary>
/// Handler <c>Assignment3.Functions.SizeTracking::Assignment3.Functions.SizeTracking.SizeTrackingFunction::Handle</c>.
/// A bad event fails the invocation after one JSON error line, so Lambda retries it and finally parks it in the
/// failure destination; nothing is written for it.
/// </summary>
public sealed class SizeTrackingFunction : ILambdaFunction
{
    private readonly FunctionHost _host;

    /// <summary>Used by the Lambda runtime: settings from the environment, logs on the process's standard output.</summary>
    public SizeTrackingFunction()
        : this(FunctionSettings.FromEnvironment(), FunctionHost.StandardOutput())
    {
    }

    /// <summary>Used by tests and the local invoker.</summary>
    public SizeTrackingFunction(FunctionSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _host = new FunctionHost("size-tracking", settings, log, services => services
            .AddAwsClients(settings.Read)
            .AddDynamoDbHistory(settings.TableName, settings.SizeIndexName)
            .AddS3Blobs());
    }

    /// <summary>Records the size of the event's bucket.</summary>
    public async Task<Stream> Handle(Stream input)
    {
        try
        {
            var request = S3EventTranslator.Translate(await FunctionHost.ReadAllAsync(input));
            var recorded = await _host.SendAsync(request);
            if (recorded.WasDuplicate)
            {
                _host.Logger.LogInformation("event {EventId} was recorded before; nothing written", request.EventId);
            }

            var record = recorded.Record;
            if (!recorded.WasDuplicate)
            {
                // Once per record, at the record's time: a repeated event adds no data point.
                _host.Metrics.Write(record.Time, new Dictionary<string, string> { [MetricNames.BucketDimension] = record.BucketName },
                    new Metric(MetricNames.BucketSize, record.TotalSize, MetricUnit.Bytes),
                    new Metric(MetricNames.ObjectCount, record.ObjectCount, MetricUnit.Count));
            }

            return FunctionHost.Respond(
                new TrackingResponse(record.BucketName, record.TimeMilliseconds, record.TotalSize, record.ObjectCount, recorded.WasDuplicate),
                TrackingJsonContext.Default.TrackingResponse);
        }
        catch (Exception ex)
        {
            throw _host.Fail(ex, ex is InvalidEventException ? "invalid event" : "size tracking failed");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _host.Dispose();
}
