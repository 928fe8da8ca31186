using System.Text.Json;
using System.Text.Json.Nodes;

namespace Assignment3.Infrastructure;

/// <summary>
/// JSON as jsii can hand it to the CDK: objects as <c>Dictionary&lt;string, object&gt;</c>, arrays as <c>object[]</c>,
/// strings, numbers and booleans as themselves. (jsii cannot marshal <see cref="JsonNode"/> or <see cref="JsonElement"/>.)
/// </summary>
public static class JsiiJson
{
    /// <summary>The JSON object in <paramref name="path"/>, for a CloudFormation property that takes JSON as it is.</summary>
    public static Dictionary<string, object> ReadObject(string path)
    {
        var node = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
            ?? throw new InvalidDataException($"{path} does not hold a JSON object");
        return (Dictionary<string, object>)From(node, path);
    }

    private static object From(JsonNode? node, string path) => node switch
    {
        JsonObject obj => obj.ToDictionary(p => p.Key, p => From(p.Value, path)),
        JsonArray array => array.Select(item => From(item, path)).ToArray(),
        JsonValue value => value.GetValueKind() switch
        {
            JsonValueKind.String => value.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when value.TryGetValue<int>(out var whole) => whole,
            JsonValueKind.Number => value.GetValue<double>(),
            var kind => throw new InvalidDataException($"{path}: a JSON {kind} cannot be passed on"),
        },
        // A JSON null would reach CloudFormation as a missing value: refuse it rather than change the document.
        _ => throw new InvalidDataException($"{path}: JSON null cannot be passed on unchanged"),
    };
}
