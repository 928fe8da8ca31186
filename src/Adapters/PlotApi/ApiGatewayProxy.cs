using System.Text.Json.Serialization;

namespace Assignment3.Adapters.PlotApi;

/// <summary>The parts of an API Gateway REST proxy request the plotting function reads.</summary>
public sealed class ApiGatewayProxyRequest
{
    [JsonPropertyName("resource")] public string? Resource { get; set; }
    [JsonPropertyName("path")] public string? Path { get; set; }
    [JsonPropertyName("httpMethod")] public string? HttpMethod { get; set; }
    [JsonPropertyName("headers")] public IDictionary<string, string>? Headers { get; init; }
    [JsonPropertyName("queryStringParameters")] public IDictionary<string, string>? QueryStringParameters { get; init; }
    [JsonPropertyName("body")] public string? Body { get; set; }
    [JsonPropertyName("isBase64Encoded")] public bool IsBase64Encoded { get; set; }
}

/// <summary>An API Gateway REST proxy response.</summary>
public sealed class ApiGatewayProxyResponse
{
    [JsonPropertyName("statusCode")] public int StatusCode { get; set; }
    [JsonPropertyName("headers")] public IDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    [JsonPropertyName("body")] public string Body { get; set; } = "";
    [JsonPropertyName("isBase64Encoded")] public bool IsBase64Encoded { get; set; }
}
