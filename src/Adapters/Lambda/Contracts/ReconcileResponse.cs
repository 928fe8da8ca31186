using System.Text.Json.Serialization;
using Assignment3.Catalog;
using Assignment3.Domain.UseCases;

namespace Assignment3.Adapters.Lambda.Contracts;

/// <summary>
/// What size tracking answers a bare reconcile invocation (the CLI's <c>reconcile</c> prints its <see cref="Summary"/>):
/// what the reconciliation found and did, fields named as in the table where they are the table's.
/// </summary>
public sealed record ReconcileResponse(
    [property: JsonPropertyName(HistorySchema.BucketAttribute)] string BucketName,
    [property: JsonPropertyName("objects_listed")] long ObjectsListed,
    [property: JsonPropertyName("corrected")] int Corrected,
    [property: JsonPropertyName("drift_bytes")] long DriftBytes,
    [property: JsonPropertyName("drift_objects")] long DriftObjects,
    [property: JsonPropertyName("confirmations")] int Confirmations,
    [property: JsonPropertyName("record_time")] long? RecordTime,
    [property: JsonPropertyName("summary")] string Summary)
{
    /// <summary>The answer for <paramref name="reconciled"/>; <see cref="Summary"/> is its one-line summary.</summary>
    public static ReconcileResponse From(BucketReconciled reconciled)
    {
        ArgumentNullException.ThrowIfNull(reconciled);
        return new(reconciled.BucketName, reconciled.ObjectsListed, reconciled.Corrected, reconciled.Drift.TotalSize, reconciled.Drift.ObjectCount,
            reconciled.Confirmations, reconciled.Record?.TimeMilliseconds, reconciled.ToString());
    }
}

/// <summary>The reconcile answer, serialized and read without reflection.</summary>
[JsonSerializable(typeof(ReconcileResponse))]
public sealed partial class ReconcileJsonContext : JsonSerializerContext;
