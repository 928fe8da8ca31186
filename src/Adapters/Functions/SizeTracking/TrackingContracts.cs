using System.Text.Json.Serialization;
using Assignment3.Catalog;

namespace Assignment3.Functions.SizeTracking;

/// <summary>
/// What the size-tracking function returns for a bare event: the record that shows the event, its fields named as in
/// the table. <c>duplicate</c>: nothing was written, since a record already showed the event (its own, from an earlier
/// delivery, or with <c>covered</c> a newer one whose listing began after the change).
/// </summary>
public sealed record TrackingResponse(
    [property: JsonPropertyName(HistorySchema.BucketAttribute)] string BucketName,
    [property: JsonPropertyName(HistorySchema.TimeAttribute)] long Time,
    [property: JsonPropertyName(HistorySchema.SizeAttribute)] long TotalSize,
    [property: JsonPropertyName(HistorySchema.CountAttribute)] int ObjectCount,
    [property: JsonPropertyName("duplicate")] bool Duplicate,
    [property: JsonPropertyName("covered")] bool Covered);

/// <summary>The size-tracking function's response, serialized without reflection.</summary>
[JsonSerializable(typeof(TrackingResponse))]
public sealed partial class TrackingJsonContext : JsonSerializerContext;
