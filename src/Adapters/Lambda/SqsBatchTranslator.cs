using System.Text;
using System.Text.Json;
using Assignment3.Adapters.Lambda.Contracts;
using Assignment3.Domain.UseCases;

namespace Assignment3.Adapters.Lambda;

/// <summary>A batch's S3 object events as one request, its reconcile messages, and the messages that hold neither.</summary>
/// <param name="Request">Every readable change of the batch; null when no message held one.</param>
/// <param name="Rejected">The messages whose body is neither an S3 object event nor a reconcile message, each with the reason.</param>
/// <param name="Reconciliations">The messages that ask for a bucket's reconciliation (<see cref="ReconcileRequestTranslator"/>).</param>
public sealed record TranslatedBatch(TrackObjectChanges? Request, IReadOnlyList<RejectedMessage> Rejected, IReadOnlyList<ReconcileMessage> Reconciliations);

/// <summary>A message that could not be read.</summary>
/// <param name="MessageId">The message.</param>
/// <param name="Reason">What is wrong with it.</param>
/// <param name="AskedToReconcile">It is a reconcile message (a JSON object with a <c>reconcile</c> member), but a malformed one.</param>
public sealed record RejectedMessage(string MessageId, string Reason, bool AskedToReconcile = false);

/// <summary>A message that asks for <paramref name="Request"/>.</summary>
public sealed record ReconcileMessage(string MessageId, ReconcileBucket Request);

/// <summary>
/// Turns the SQS batch Lambda delivers (each body an EventBridge S3 object event, or the reconciliation schedule's
/// message) into <see cref="TrackObjectChanges"/>, each change named by its message id, and the reconcile requests; and
/// the outcome into the partial batch failure answer (<c>ReportBatchItemFailures</c>): a message is either handled or
/// named in <c>batchItemFailures</c>, never dropped.
/// </summary>
public static class SqsBatchTranslator
{
    /// <summary>The <c>eventSource</c> of every record Lambda delivers from SQS.</summary>
    public const string EventSource = "aws:sqs";

    /// <summary>The batch, or null when <paramref name="json"/> is not one (no <c>Records</c>): then it is a bare event.</summary>
    public static SqsBatch? TryParse(ReadOnlySpan<byte> json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, SqsJsonContext.Default.SqsBatch) is { Records: not null } batch ? batch : null;
        }
        catch (JsonException)
        {
            // Not JSON of a batch's shape: the bare event's translation says what is wrong with it.
            return null;
        }
    }

    /// <summary>
    /// The request for every message that holds an S3 object event, and the others as rejected. A record that is not an
    /// SQS message, or has no message id to report it by, makes the whole batch invalid
    /// (<see cref="InvalidEventException"/>): Lambda then delivers all of it again, as it would for an answer naming no
    /// valid id.
    /// </summary>
    public static TranslatedBatch Translate(SqsBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var records = batch.Records ?? throw new InvalidEventException("the batch has no Records");
        if (records.Count == 0)
        {
            throw new InvalidEventException("the batch has no messages");
        }

        var changes = new List<ObjectChange>();
        var rejected = new List<RejectedMessage>();
        var reconciliations = new List<ReconcileMessage>();
        for (var i = 0; i < records.Count; i++)
        {
            var message = records[i];
            if (message?.EventSource != EventSource)
            {
                throw new InvalidEventException($"record {i} of the batch is not an SQS message: eventSource must be '{EventSource}', was {(message?.EventSource is { } source ? $"'{source}'" : "missing")}");
            }

            if (string.IsNullOrWhiteSpace(message.MessageId))
            {
                throw new InvalidEventException($"record {i} of the batch has no messageId, so it could not be reported as failed");
            }

            var body = Encoding.UTF8.GetBytes(message.Body ?? "");
            try
            {
                if (ReconcileRequestTranslator.TryTranslate(body) is { } reconcile)
                {
                    reconciliations.Add(new ReconcileMessage(message.MessageId, reconcile));
                    continue;
                }
            }
            catch (InvalidEventException ex)
            {
                rejected.Add(new RejectedMessage(message.MessageId, ex.Message, AskedToReconcile: true));
                continue;
            }

            try
            {
                changes.Add(S3EventTranslator.ToChange(S3EventTranslator.Parse(body), message.MessageId));
            }
            catch (InvalidEventException ex)
            {
                rejected.Add(new RejectedMessage(message.MessageId, ex.Message));
            }
        }

        return new TranslatedBatch(changes.Count > 0 ? new TrackObjectChanges(changes) : null, rejected, reconciliations);
    }

    /// <summary>
    /// The answer naming every message that was rejected or failed, each once: the changes <paramref name="tracked"/>
    /// reports failed, and <paramref name="failedReconciliations"/> (the ids of reconcile messages whose reconciliation
    /// failed). Empty when all were handled.
    /// </summary>
    public static SqsBatchResponse Respond(TranslatedBatch batch, TrackedChanges? tracked, IEnumerable<string>? failedReconciliations = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var failed = batch.Rejected.Select(r => r.MessageId).Concat(tracked?.Failures.Select(f => f.Change.ItemId) ?? []).Concat(failedReconciliations ?? []);
        return new SqsBatchResponse { BatchItemFailures = [.. failed.Distinct(StringComparer.Ordinal).Select(id => new SqsBatchItemFailure { ItemIdentifier = id })] };
    }
}
