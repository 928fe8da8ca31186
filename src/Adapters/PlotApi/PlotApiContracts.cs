using System.Text.Json.Serialization;
using Assignment3.Domain;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.PlotApi;

/// <summary>The optional JSON body of a plot request.</summary>
public sealed class PlotRequestBody
{
    [JsonPropertyName("bucket")] public string? Bucket { get; set; }

    /// <summary>A duration such as "10s", "2m", "1h", "500ms", or a number of seconds.</summary>
    [JsonPropertyName("window")] public System.Text.Json.JsonElement? Window { get; set; }
}

/// <summary>The body of a successful plot response; the plotting function and the driver both answer with it.</summary>
public sealed record PlotResponseBody(
    [property: JsonPropertyName("bucket")] string Bucket,
    [property: JsonPropertyName("plot")] string Plot,
    [property: JsonPropertyName("plot_bucket")] string PlotBucket,
    [property: JsonPropertyName("plot_key")] string PlotKey,
    [property: JsonPropertyName("points")] int Points,
    [property: JsonPropertyName("max_size")] long MaxSize,
    [property: JsonPropertyName("max_time")] DateTimeOffset MaxTime,
    [property: JsonPropertyName("max_object_cnt")] int MaxObjectCount,
    [property: JsonPropertyName("from")] DateTimeOffset From,
    [property: JsonPropertyName("to")] DateTimeOffset To,
    [property: JsonPropertyName("plot_url")] string? PlotUrl = null,
    [property: JsonPropertyName("changes")] long? Changes = null,
    [property: JsonPropertyName("slot_seconds")] double? SlotSeconds = null)
{
    /// <summary>The body that describes a drawn chart.</summary>
    public static PlotResponseBody Describe(SizeChartResult.Rendered chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        return new PlotResponseBody(chart.BucketName, chart.Location.ToString(), chart.Location.BucketName, chart.Location.Key,
            chart.PointsDrawn, chart.Largest.TotalSize, chart.Largest.Time, chart.Largest.ObjectCount, chart.From, chart.To, chart.Link?.AbsoluteUri,
            chart.Changes, chart.Resolution?.TotalSeconds);
    }

    /// <summary>The chart this body describes.</summary>
    public SizeChartResult.Rendered ToResult() => new(Bucket,
        new BlobLocation(PlotBucket, PlotKey), Points,
        new SizeRecord(Bucket, MaxTime, MaxSize, MaxObjectCount), From, To,
        PlotUrl is not null && Uri.TryCreate(PlotUrl, UriKind.Absolute, out var link) ? link : null)
    {
        Changes = Changes ?? Points,
        Resolution = SlotSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
    };
}

/// <summary>The body of every error response: what was wrong, never a stack trace.</summary>
public sealed record ErrorBody([property: JsonPropertyName("error")] string Error);

/// <summary>The plotting API's bodies, serialized without reflection; its client and its function both use it.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(PlotRequestBody))]
[JsonSerializable(typeof(PlotResponseBody))]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(ApiGatewayProxyRequest))]
[JsonSerializable(typeof(ApiGatewayProxyResponse))]
[JsonSerializable(typeof(string))]
public sealed partial class PlotApiJsonContext : JsonSerializerContext;
