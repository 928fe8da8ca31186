using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Assignment3.Catalog;

namespace Assignment3.TestKit.Adapters;

/// <summary>
/// An API Gateway request model: a JSON Schema of draft 4, the only draft API Gateway reads, applied to a request body
/// as its request validator does. Every keyword the model uses must be one this class checks; a model with any other
/// keyword is refused when it is loaded, so a stand-in can never wave through what API Gateway would check.
/// </summary>
public sealed class ApiGatewayModel
{
    // What API Gateway answers when the body fails the model; the integration is never called.
    public const string InvalidBodyMessage = "Invalid request body";

    private static readonly HashSet<string> Annotations = ["$schema", "title", "description"];

    private static readonly HashSet<string> Checked =
        ["type", "properties", "additionalProperties", "required", "minLength", "maxLength", "pattern", "enum", "minimum", "maximum", "items"];

    // The model's schema in an AWS::ApiGateway::Model resource.
    private const string SchemaProperty = "Schema";

    private readonly JsonElement _schema;

    public ApiGatewayModel(JsonElement schema)
    {
        RefuseUnknownKeywords(schema, "#");
        _schema = schema.Clone();
    }

    /// <summary>The schema, as loaded.</summary>
    public JsonElement Schema => _schema;

    /// <summary>The plotting API's request model, from the file the stack deploys.</summary>
    public static ApiGatewayModel PlotRequest() =>
        new(JsonDocument.Parse(File.ReadAllBytes(Path.Combine(TestPaths.RepositoryRoot(), PlotApiModel.SchemaFile))).RootElement);

    /// <summary>The model named <paramref name="name"/> in a synthesized CloudFormation template.</summary>
    public static ApiGatewayModel FromTemplate(JsonElement template, string name)
    {
        foreach (var resource in template.GetProperty("Resources").EnumerateObject())
        {
            if (resource.Value.GetProperty("Type").GetString() == "AWS::ApiGateway::Model"
                && resource.Value.GetProperty("Properties") is var properties
                && properties.TryGetProperty("Name", out var modelName) && modelName.ValueKind == JsonValueKind.String && modelName.GetString() == name)
            {
                return new ApiGatewayModel(properties.GetProperty(SchemaProperty));
            }
        }

        throw new InvalidOperationException($"the template has no AWS::ApiGateway::Model named {name}");
    }

    /// <summary>What is wrong with <paramref name="body"/> (an empty body is a missing JSON document); empty when it conforms.</summary>
    public IReadOnlyList<string> Validate(ReadOnlySpan<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException ex)
        {
            return [$"the body is not JSON: {ex.Message}"];
        }

        using (document)
        {
            var problems = new List<string>();
            Check(_schema, document.RootElement, "#", problems);
            return problems;
        }
    }

    private static void RefuseUnknownKeywords(JsonElement schema, string at)
    {
        if (schema.ValueKind != JsonValueKind.Object)
        {
            throw new NotSupportedException($"{at}: a schema must be an object");
        }

        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Annotations.Contains(keyword.Name) && !Checked.Contains(keyword.Name))
            {
                throw new NotSupportedException($"{at}: the keyword '{keyword.Name}' is not checked by this stand-in; teach it before using it in a model");
            }
        }

        if (schema.TryGetProperty("properties", out var properties))
        {
            foreach (var property in properties.EnumerateObject())
            {
                RefuseUnknownKeywords(property.Value, $"{at}/properties/{property.Name}");
            }
        }

        if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.Object)
        {
            RefuseUnknownKeywords(additional, $"{at}/additionalProperties");
        }

        if (schema.TryGetProperty("items", out var items))
        {
            RefuseUnknownKeywords(items, $"{at}/items");
        }
    }

    private static void Check(JsonElement schema, JsonElement value, string at, List<string> problems)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            var allowed = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : [type.GetString()!];
            if (!allowed.Any(t => IsOfType(value, t)))
            {
                problems.Add($"{at}: {value.ValueKind} is not of type {string.Join(" or ", allowed)}");
                return;
            }
        }

        if (schema.TryGetProperty("enum", out var choices) && !choices.EnumerateArray().Any(choice => JsonElement.DeepEquals(choice, value)))
        {
            problems.Add($"{at}: {value.GetRawText()} is not one of {choices.GetRawText()}");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                CheckString(schema, value.GetString()!, at, problems);
                break;
            case JsonValueKind.Number:
                CheckNumber(schema, value.GetDouble(), at, problems);
                break;
            case JsonValueKind.Object:
                CheckObject(schema, value, at, problems);
                break;
            case JsonValueKind.Array when schema.TryGetProperty("items", out var items):
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Check(items, item, $"{at}/{index++}", problems);
                }

                break;
        }
    }

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        "string" => value.ValueKind == JsonValueKind.String,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && Math.Floor(number) == number,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => value.ValueKind == JsonValueKind.Null,
        _ => throw new NotSupportedException($"type '{type}' is not a draft-4 type"),
    };

    private static void CheckString(JsonElement schema, string text, string at, List<string> problems)
    {
        // Draft 4 counts characters (code points), not UTF-16 units.
        var length = text.EnumerateRunes().Count();
        if (schema.TryGetProperty("minLength", out var min) && length < min.GetInt32())
        {
            problems.Add($"{at}: string of {length} characters is shorter than {min.GetInt32()}");
        }

        if (schema.TryGetProperty("maxLength", out var max) && length > max.GetInt32())
        {
            problems.Add($"{at}: string of {length} characters is longer than {max.GetInt32()}");
        }

        if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(text, EndOfInputDollar(pattern.GetString()!),
                RegexOptions.ECMAScript | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
        {
            problems.Add($"{at}: '{text}' does not match {pattern.GetString()}");
        }
    }

    // .NET's $ also matches before a final newline; JSON Schema's (ECMA 262) only at the very end: "abc\n" must not
    // pass ^[a-z]+$ here when it might not on AWS.
    private static string EndOfInputDollar(string pattern) => Regex.Replace(pattern, @"(?<!\\)\$", @"(?!\n)$");

    private static void CheckNumber(JsonElement schema, double number, string at, List<string> problems)
    {
        if (schema.TryGetProperty("minimum", out var min) && number < min.GetDouble())
        {
            problems.Add($"{at}: {number.ToString(CultureInfo.InvariantCulture)} is below {min.GetRawText()}");
        }

        if (schema.TryGetProperty("maximum", out var max) && number > max.GetDouble())
        {
            problems.Add($"{at}: {number.ToString(CultureInfo.InvariantCulture)} is above {max.GetRawText()}");
        }
    }

    private static void CheckObject(JsonElement schema, JsonElement value, string at, List<string> problems)
    {
        var properties = schema.TryGetProperty("properties", out var declared) ? declared : default;
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    problems.Add($"{at}: required property '{name}' is missing");
                }
            }
        }

        foreach (var property in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(property.Name, out var propertySchema))
            {
                Check(propertySchema, property.Value, $"{at}/{property.Name}", problems);
            }
            else if (schema.TryGetProperty("additionalProperties", out var additional))
            {
                if (additional.ValueKind == JsonValueKind.False)
                {
                    problems.Add($"{at}: property '{property.Name}' is not allowed");
                }
                else if (additional.ValueKind == JsonValueKind.Object)
                {
                    Check(additional, property.Value, $"{at}/{property.Name}", problems);
                }
            }
        }
    }
}
