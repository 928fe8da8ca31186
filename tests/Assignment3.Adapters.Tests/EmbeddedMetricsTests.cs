using System.Text.Json;
using Assignment3.Adapters.Lambda;
using Assignment3.Catalog;

namespace Assignment3.Adapters.Tests;

public sealed class EmbeddedMetricsTests
{
    // The units CloudWatch accepts (MetricDatum.Unit).
    private static readonly HashSet<string> CloudWatchUnits =
    [
        "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes", "Bits", "Kilobits",
        "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second", "Kilobytes/Second", "Megabytes/Second",
        "Gigabytes/Second", "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second",
        "Terabits/Second", "Count/Second", "None",
    ];

    /// <summary>
    /// Checks a line against the embedded metric format specification: a JSON object whose <c>_aws</c> member has a
    /// <c>Timestamp</c> (epoch milliseconds) and a <c>CloudWatchMetrics</c> array of directives, each with a
    /// <c>Namespace</c>, <c>Dimensions</c> (arrays of at most 30 names, each a top-level string member) and
    /// <c>Metrics</c> (at most 100, each with a <c>Name</c> that is a top-level number and an optional valid <c>Unit</c>).
    /// </summary>
    public static JsonElement AssertValidEmf(string line)
    {
        var root = JsonDocument.Parse(line, new JsonDocumentOptions { AllowDuplicateProperties = false }).RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        var aws = root.GetProperty("_aws");
        Assert.True(aws.GetProperty("Timestamp").TryGetInt64(out var timestamp) && timestamp > 0, "Timestamp must be epoch milliseconds");
        var directives = aws.GetProperty("CloudWatchMetrics");
        Assert.NotEqual(0, directives.GetArrayLength());
        foreach (var directive in directives.EnumerateArray())
        {
            var ns = directive.GetProperty("Namespace").GetString();
            Assert.False(string.IsNullOrWhiteSpace(ns), "Namespace must not be empty");
            Assert.InRange(ns!.Length, 1, 255);
            foreach (var set in directive.GetProperty("Dimensions").EnumerateArray())
            {
                Assert.InRange(set.GetArrayLength(), 0, 30);
                foreach (var dimension in set.EnumerateArray())
                {
                    Assert.Equal(JsonValueKind.String, root.GetProperty(dimension.GetString()!).ValueKind);
                }
            }

            var metrics = directive.GetProperty("Metrics");
            Assert.InRange(metrics.GetArrayLength(), 1, 100);
            foreach (var metric in metrics.EnumerateArray())
            {
                var name = metric.GetProperty("Name").GetString()!;
                Assert.InRange(name.Length, 1, 255);
                Assert.Equal(JsonValueKind.Number, root.GetProperty(name).ValueKind);
                if (metric.TryGetProperty("Unit", out var unit))
                {
                    Assert.Contains(unit.GetString()!, CloudWatchUnits);
                }
            }
        }

        return root;
    }

    private static string WriteOne(Action<EmbeddedMetrics> write)
    {
        var lines = new List<string>();
        write(new EmbeddedMetrics(lines.Add));
        return Assert.Single(lines);
    }

    [Fact]
    public void A_bucket_size_line_follows_the_specification()
    {
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

        var line = AssertValidEmf(WriteOne(m => m.Write(at, new Dictionary<string, string> { [MetricNames.BucketDimension] = "assignment3-data" },
            new Metric(MetricNames.BucketSize, 27, MetricUnit.Bytes), new Metric(MetricNames.ObjectCount, 1, MetricUnit.Count))));

        Assert.Equal(at.ToUnixTimeMilliseconds(), line.GetProperty("_aws").GetProperty("Timestamp").GetInt64());
        var directive = line.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        Assert.Equal("Assignment3", directive.GetProperty("Namespace").GetString());
        Assert.Equal("BucketName", directive.GetProperty("Dimensions")[0][0].GetString());
        Assert.Equal(["BucketSizeBytes:Bytes", "ObjectCount:Count"],
            directive.GetProperty("Metrics").EnumerateArray().Select(m => $"{m.GetProperty("Name").GetString()}:{m.GetProperty("Unit").GetString()}"));
        Assert.Equal("assignment3-data", line.GetProperty("BucketName").GetString());
        Assert.Equal(27, line.GetProperty("BucketSizeBytes").GetDouble());
        Assert.Equal(1, line.GetProperty("ObjectCount").GetDouble());
    }

    [Fact]
    public void A_line_without_dimensions_has_one_empty_dimension_set()
    {
        var line = AssertValidEmf(WriteOne(m => m.Write(DateTimeOffset.UtcNow, new Dictionary<string, string>(),
            new Metric(MetricNames.ChartRenderTime, 12.5, MetricUnit.Milliseconds))));

        Assert.Equal(0, line.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions")[0].GetArrayLength());
        Assert.Equal(12.5, line.GetProperty("ChartRenderTime").GetDouble());
    }

    [Fact]
    public void A_name_used_twice_is_refused_rather_than_written_ambiguously()
    {
        var metrics = new EmbeddedMetrics(_ => Assert.Fail("nothing may be written"));

        Assert.Throws<ArgumentException>(() => metrics.Write(DateTimeOffset.UtcNow, new Dictionary<string, string> { ["ObjectCount"] = "x" },
            new Metric("ObjectCount", 1, MetricUnit.Count)));
        Assert.Throws<ArgumentException>(() => metrics.Write(DateTimeOffset.UtcNow, new Dictionary<string, string>()));
    }

    [Fact]
    public void The_checker_refuses_a_line_that_names_a_metric_it_does_not_carry() =>
        Assert.ThrowsAny<Exception>(() => AssertValidEmf(
            """{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"Missing","Unit":"Count"}]}]}}"""));
}
