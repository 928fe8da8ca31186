using System.Runtime.ExceptionServices;
using Assignment3.Adapters.Aws;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.Lambda.Contracts;
using Assignment3.Adapters.Lambda.RuntimeApi;
using Assignment3.Catalog;
using Assignment3.Domain.UseCases;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Assignment3.Functions.SizeTracking;

/// <summary>
/// Handler <c>Assignment3.Functions.SizeTracking::Assignment3.Functions.SizeTracking.SizeTrackingFunction::Handle</c>.
/// Takes an SQS batch of EventBridge S3 object events (the stack's event source mapping) or one bare event (the CLI's
/// <c>invoke</c>, scripts/redrive.sh). A batch is answered with the messages to deliver again (<c>batchItemFailures</c>):
/// a message that is not an S3 object event is logged as one JSON error line and named there, so it reaches the
/// failure queue after its receives, while the others are tracked. A bare event that is bad or fails fails the invocation.
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
        _host = new FunctionHost("size-tracking", settings, log, services =>
        {
            // Read with the others on the first invocation: a bad TRACKING_MODE fails it, naming the variable.
            var mode = settings.TrackingMode;
            services
                .AddAwsClients(settings.Read)
                .AddDynamoDbHistory(settings.TableName, settings.SizeIndexName)
                .AddS3Blobs()
                .AddSingleton(TrackingSettings.Default with { Mode = mode });
            if (mode == TrackingMode.Incremental)
            {
                // Read here too: incremental mode without its table fails the first invocation, naming the variable.
                services.AddDynamoDbObjectStates(settings.ObjectStateTableName);
            }
        });
    }

    /// <summary>Brings the history of each event's bucket up to date.</summary>
    public async Task<Stream> Handle(Stream input)
    {
        try
        {
            var payload = await FunctionHost.ReadAllAsync(input);
            return SqsBatchTranslator.TryParse(payload) is { } batch
                ? await HandleBatchAsync(SqsBatchTranslator.Translate(batch))
                : await HandleEventAsync(S3EventTranslator.Translate(payload));
        }
        catch (Exception ex)
        {
            throw _host.Fail(ex, ex is InvalidEventException ? "invalid event" : "size tracking failed");
        }
    }

    private async Task<Stream> HandleBatchAsync(TranslatedBatch batch)
    {
        foreach (var rejected in batch.Rejected)
        {
            _host.Logger.LogError("message {MessageId} is not an S3 object event; reported as failed, for the failure queue: {Error}",
                rejected.MessageId, rejected.Reason);
        }

        var tracked = batch.Request is null ? null : await _host.SendAsync(batch.Request);
        if (tracked is not null)
        {
            WriteMetrics(tracked);
        }

        return FunctionHost.Respond(SqsBatchTranslator.Respond(batch, tracked), SqsJsonContext.Default.SqsBatchResponse);
    }

    private async Task<Stream> HandleEventAsync(TrackObjectChanges request)
    {
        var tracked = await _host.SendAsync(request);
        var change = tracked.Changes[0];
        if (change.Outcome == ChangeOutcome.Failed)
        {
            // The domain logged a fault already (and marked it); Fail logs a refusal.
            ExceptionDispatchInfo.Throw(change.Error!);
        }

        var record = change.Record!;
        if (change.Outcome == ChangeOutcome.AlreadyRecorded)
        {
            _host.Logger.LogInformation("event {EventId} was recorded before; nothing written", change.Change.EventId);
        }
        else if (change.Outcome == ChangeOutcome.Covered)
        {
            _host.Logger.LogInformation("event {EventId} is shown by the record of {Time:O}, whose listing began after the change; nothing listed or written",
                change.Change.EventId, record.Time);
        }

        WriteMetrics(tracked);
        var nothingWritten = change.Outcome != ChangeOutcome.Recorded;
        return FunctionHost.Respond(
            new TrackingResponse(record.BucketName, record.TimeMilliseconds, record.TotalSize, record.ObjectCount, nothingWritten, change.Outcome == ChangeOutcome.Covered),
            TrackingJsonContext.Default.TrackingResponse);
    }

    // Once per new record, at the record's time: a repeated or covered event adds no data point.
    private void WriteMetrics(TrackedChanges tracked)
    {
        foreach (var record in tracked.NewRecords)
        {
            _host.Metrics.Write(record.Time, new Dictionary<string, string> { [MetricNames.BucketDimension] = record.BucketName },
                new Metric(MetricNames.BucketSize, record.TotalSize, MetricUnit.Bytes),
                new Metric(MetricNames.ObjectCount, record.ObjectCount, MetricUnit.Count));
        }
    }

    /// <inheritdoc />
    public void Dispose() => _host.Dispose();
}
