using System.Text.Json.Serialization;
using Assignment3.Catalog;

namespace Assignment3.Adapters.Lambda.Contracts;

/// <summary>
/// An S3 object change as EventBridge delivers it ("Object Created" / "Object Deleted"). Every property is
/// nullable so that a malformed event parses and is then refused with a message naming the missing field.
/// </summary>
public sealed class S3ObjectEvent
{
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("id")] public string? Id { get; set; }
    [JsonPropertyName("detail-type")] public string? DetailType { get; set; }
    [JsonPropertyName("source")] public string? Source { get; set; }
    [JsonPropertyName("account")] public string? Account { get; set; }
    [JsonPropertyName("time")] public string? Time { get; set; }
    [JsonPropertyName("region")] public string? Region { get; set; }
    [JsonPropertyName("resources")] public IList<string>? Resources { get; init; }
    [JsonPropertyName("detail")] public S3ObjectEventDetail? Detail { get; set; }
}

/// <summary>The "detail" of an S3 object event.</summary>
public sealed class S3ObjectEventDetail
{
    [JsonPropertyName("version")] public string? Version { get; set; }
    [JsonPropertyName("bucket")] public S3EventBucket? Bucket { get; set; }
    [JsonPropertyName("object")] public S3EventObject? S3Object { get; set; }
    [JsonPropertyName("request-id")] public string? RequestId { get; set; }
    [JsonPropertyName("requester")] public string? Requester { get; set; }
    [JsonPropertyName("source-ip-address")] public string? SourceIpAddress { get; set; }
    [JsonPropertyName("reason")] public string? Reason { get; set; }

    /// <summary>Only on "Object Deleted": <see cref="S3EventNames.PermanentlyDeleted"/> or <see cref="S3EventNames.DeleteMarkerCreated"/>.</summary>
    [JsonPropertyName("deletion-type")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DeletionType { get; set; }
}

/// <summary>The bucket of an S3 object event.</summary>
public sealed class S3EventBucket
{
    [JsonPropertyName("name")] public string? Name { get; set; }
}

/// <summary>The object of an S3 object event.</summary>
public sealed class S3EventObject
{
    [JsonPropertyName("key")] public string? Key { get; set; }

    /// <summary>Only on "Object Created".</summary>
    [JsonPropertyName("size")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? Size { get; set; }

    /// <summary>Only on "Object Created".</summary>
    [JsonPropertyName("etag")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ETag { get; set; }

    [JsonPropertyName("version-id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? VersionId { get; set; }

    [JsonPropertyName("sequencer")] public string? Sequencer { get; set; }
}
