using System.Text.Json.Serialization;

namespace Assignment3.Adapters.Lambda.Contracts;

/// <summary>Every type that crosses a function's boundary, serialized without reflection (fast cold start).</summary>
[JsonSourceGenerationOptions(
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(S3ObjectEvent))]
[JsonSerializable(typeof(TrackingResponse))]
[JsonSerializable(typeof(ApiGatewayProxyRequest))]
[JsonSerializable(typeof(ApiGatewayProxyResponse))]
[JsonSerializable(typeof(DemoResponseBody))]
[JsonSerializable(typeof(string))]
public sealed partial class LambdaJsonContext : JsonSerializerContext;
