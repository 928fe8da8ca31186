using System.Text.Json.Serialization;
using Assignment3.Adapters.PlotApi;

namespace Assignment3.Functions.Driver;

/// <summary>The body the driver returns: the sizes it saw and where the chart went.</summary>
public sealed record DemoResponseBody(
    [property: JsonPropertyName("bucket")] string Bucket,
    [property: JsonPropertyName("sizes")] IReadOnlyList<long> Sizes,
    [property: JsonPropertyName("sequence")] string Sequence,
    [property: JsonPropertyName("chart")] PlotResponseBody Chart);

/// <summary>The driver's response, serialized without reflection.</summary>
[JsonSerializable(typeof(DemoResponseBody))]
public sealed partial class DriverJsonContext : JsonSerializerContext;
