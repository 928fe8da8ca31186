using System.Text.Json.Serialization;

namespace Assignment3.Adapters.Lambda.Contracts;

/// <summary>The S3 object events the size-tracking function receives, serialized without reflection (fast cold start).</summary>
[JsonSourceGenerationOptions(
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(S3ObjectEvent))]
[JsonSerializable(typeof(string))]
public sealed partial class S3EventJsonContext : JsonSerializerContext;
