using System.Text.Json;
using Assignment3.Catalog;

namespace Assignment3.Adapters.Lambda;

/// <summary>A CloudWatch unit that <see cref="EmbeddedMetrics"/> writes.</summary>
public enum MetricUnit
{
    /// <summary>Bytes.</summary>
    Bytes,

    /// <summary>A count.</summary>
    Count,

    /// <summary>Milliseconds.</summary>
    Milliseconds,
}

/// <summary>One metric value.</summary>
/// <param name="Name">The metric's name.</param>
/// <param name="Value">Its value.</param>
/// <param name="Unit">Its unit.</param>
public sealed record Metric(string Name, double Value, MetricUnit Unit);

/// <summary>
/// Writes CloudWatch metrics as log lines in the embedded metric format (EMF): one JSON object per line with an
/// <c>_aws</c> member (<c>Timestamp</c> in epoch milliseconds and one <c>CloudWatchMetrics</c> directive naming the
/// namespace, the dimension set and each metric with its unit) and, at the top level, each dimension's and each
/// metric's value. CloudWatch Logs turns such lines into metrics; no API call is made, and nothing is sent when the
/// line is not written. No EMF library is served here, so this follows AWS's published specification.
/// </summary>
public sealed class EmbeddedMetrics(Action<string> writeLine)
{
    // EMF allows at most 100 metrics and 30 dimensions per directive; these lines stay far below.
    private const int MaxMetrics = 100;
    private const int MaxDimensions = 30;

    /// <summary>Writes one EMF line with <paramref name="metrics"/> under the dimension set <paramref name="dimensions"/>.</summary>
    public void Write(DateTimeOffset timestamp, IReadOnlyDictionary<string, string> dimensions, params Metric[] metrics)
    {
        ArgumentNullException.ThrowIfNull(dimensions);
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.Length is 0 or > MaxMetrics || dimensions.Count > MaxDimensions)
        {
            throw new ArgumentException($"an EMF line carries 1 to {MaxMetrics} metrics and at most {MaxDimensions} dimensions");
        }

        var names = new HashSet<string>(StringComparer.Ordinal) { "_aws", "requestId", "traceId" };
        if (dimensions.Keys.Concat(metrics.Select(m => m.Name)).FirstOrDefault(name => !names.Add(name)) is { } repeated)
        {
            throw new ArgumentException($"'{repeated}' is named twice or is one of the line's own keys (_aws, requestId, traceId): dimensions and metrics share the line's top level");
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", timestamp.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", MetricNames.Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            foreach (var name in dimensions.Keys)
            {
                json.WriteStringValue(name);
            }

            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            foreach (var metric in metrics)
            {
                json.WriteStartObject();
                json.WriteString("Name", metric.Name);
                json.WriteString("Unit", metric.Unit.ToString());
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            foreach (var (name, value) in dimensions)
            {
                json.WriteString(name, value);
            }

            foreach (var metric in metrics)
            {
                json.WriteNumber(metric.Name, metric.Value);
            }

            // Not dimensions: searchable properties that tie the values to the invocation that wrote them.
            JsonLineLoggerProvider.WriteInvocation(json, InvocationContext.Current);
            json.WriteEndObject();
        }

        ArgumentNullException.ThrowIfNull(writeLine);
        writeLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }
}
