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
/// <c>invoke</c>, scripts/redrive.sh). In incremental mode a message may also ask for a bucket's reconciliation,
/// <c>{"reconcile":"&lt;bucket&gt;"}</c> (the stack's schedule puts it on the queue; the CLI's <c>reconcile</c> sends it
/// bare). A batch is answered with the messages to deliver again (<c>batchItemFailures</c>): a message that is neither
/// an S3 object event nor a well-formed reconcile message, or whose reconciliation failed, is logged as one JSON error
/// line and named there, so it reaches the failure queue after its receives, while the others are handled. A bare
/// event or reconcile message that is bad or fails fails the invocation.
/// </summary>
public sealed class SizeTrackingFunction : ILambdaFunction
{
    private readonly FunctionHost _host;
    private readonly FunctionSettings _settings;

    /// <summary>Used by the Lambda runtime: settings from the environment, logs on the process's standard output.</summary>
    public SizeTrackingFunction()
        : this(FunctionSettings.FromEnvironment(), FunctionHost.StandardOutput())
    {
    }

    /// <summary>Used by tests and the local invoker.</summary>
    public SizeTrackingFunction(FunctionSettings settings, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
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

    /// <summary>Brings the history of each event's bucket up to date, and reconciles each bucket a message asks for.</summary>
    public async Task<Stream> Handle(Stream input)
    {
        try
        {
            var payload = await FunctionHost.ReadAllAsync(input);
            if (SqsBatchTranslator.TryParse(payload) is { } batch)
            {
                return await HandleBatchAsync(SqsBatchTranslator.Translate(batch));
            }

            return ReconcileRequestTranslator.TryTranslate(payload) is { } reconcile
                ? FunctionHost.Respond(ReconcileResponse.From(await ReconcileAsync(reconcile)), ReconcileJsonContext.Default.ReconcileResponse)
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
            _host.Logger.LogError("message {MessageId} {Problem}; reported as failed, for the failure queue: {Error}",
                rejected.MessageId, rejected.AskedToReconcile ? "is a malformed reconcile message" : "is not an S3 object event", rejected.Reason);
        }

        var tracked = batch.Request is null ? null : await _host.SendAsync(batch.Request);
        if (tracked is not null)
        {
            WriteMetrics(tracked);
        }

        // After the changes: a long reconciliation must not keep them waiting. Once per bucket, however many messages ask.
        var failedReconciliations = new List<string>();
        foreach (var asked in batch.Reconciliations.GroupBy(r => r.Request.BucketName, StringComparer.Ordinal))
        {
            try
            {
                await ReconcileAsync(asked.First().Request);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Only these messages go back to the queue; progress is saved per page, so the next try resumes.
                var ids = string.Join(", ", asked.Select(r => r.MessageId));
                if (Domain.Pipeline.FailureLog.WasLogged(ex))
                {
                    // The pipeline's error line names the request, not the bucket or the messages: this one does.
                    _host.Logger.LogWarning("reconciliation of bucket {Bucket} failed (error above); message(s) {MessageIds} reported as failed, for the failure queue",
                        asked.Key, ids);
                }
                else
                {
                    _ = _host.Fail(ex, $"reconciliation of bucket {asked.Key} failed; message(s) {ids} reported as failed, for the failure queue");
                }

                failedReconciliations.AddRange(asked.Select(r => r.MessageId));
            }
        }

        return FunctionHost.Respond(SqsBatchTranslator.Respond(batch, tracked, failedReconciliations), SqsJsonContext.Default.SqsBatchResponse);
    }

    // Reconciliation is part of incremental tracking: in listing mode there are no object states to reconcile, and
    // a message asking for it is a deployment out of step with itself, not something to drop.
    private async Task<BucketReconciled> ReconcileAsync(ReconcileBucket request)
    {
        if (_settings.TrackingMode != TrackingMode.Incremental)
        {
            throw new InvalidOperationException(
                $"asked to reconcile bucket {request.BucketName}, but reconciliation is part of incremental tracking and this function tracks by listing " +
                $"({FunctionSettingNames.TrackingMode} is not {TrackingModeNames.Incremental}): nothing to reconcile");
        }

        var reconciled = await _host.SendAsync(request);
        WriteMetrics(reconciled);
        return reconciled;
    }

    // The drift, one data point per reconciliation (zero when the state was right); with the record it wrote, if any.
    private void WriteMetrics(BucketReconciled reconciled)
    {
        var dimensions = new Dictionary<string, string> { [MetricNames.BucketDimension] = reconciled.BucketName };
        var drift = new[] { new Metric(MetricNames.DriftBytes, reconciled.Drift.TotalSize, MetricUnit.Bytes), new Metric(MetricNames.DriftObjects, reconciled.Drift.ObjectCount, MetricUnit.Count) };
        if (reconciled.Record is { } record)
        {
            _host.Metrics.Write(record.Time, dimensions, [.. drift,
                new Metric(MetricNames.BucketSize, record.TotalSize, MetricUnit.Bytes), new Metric(MetricNames.ObjectCount, record.ObjectCount, MetricUnit.Count)]);
        }
        else
        {
            _host.Metrics.Write(DateTimeOffset.UtcNow, dimensions, drift);
        }
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

        // A bucket never reconciled was reconciled before its changes were applied.
        foreach (var reconciled in tracked.Reconciliations)
        {
            WriteMetrics(reconciled);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _host.Dispose();
}
