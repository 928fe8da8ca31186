using System.Text.Json.Serialization;
using Assignment3.Catalog;

namespace Assignment3.Functions.SizeTracking;

/// <summary>What the size-tracking function returns: the record that stands for the event, its fields named as in the table.</summary>
public sealed record TrackingResponse(
    [property: JsonPropertyName(HistorySchema.BucketAttribute)] string BucketName,
    [property: JsonPropertyName(HistorySchema.TimeAttribute)] long Time,
    [property: JsonPropertyName(HistorySchema.SizeAttribute)] long TotalSize,
    [property: JsonPropertyName(HistorySchema.CountAttribute)] int ObjectCount,
    [property: JsonPropertyName("duplicate")] bool Duplicate);

/// <summary>The size-tracking function's response, serialized without reflection.</summary>
[JsonSerializable(typeof(TrackingResponse))]
public sealed partial class TrackingJsonContext : JsonSerializerContext;
