using System.Globalization;
using System.Text;
using Assignment3.Adapters.Charting;
using Assignment3.Adapters.Lambda;
using Assignment3.Adapters.PlotApi;
using Assignment3.Domain;
using Assignment3.Domain.Ports;
using SkiaSharp;

namespace Assignment3.Adapters.Tests;

/// <summary>
/// Tests written for mutants Stryker found surviving in the translators and DurationText (docs/testing.md): each pins
/// a message, a header or a limit the other tests left open.
/// </summary>
public sealed class TranslatorMutationKillsTests
{
    [Theory]
    [InlineData("null", "request is empty")]
    [InlineData("not json", "request is not an API Gateway proxy event: ")]
    public void A_payload_that_is_not_a_proxy_event_is_refused_saying_so(string payload, string problem)
    {
        var error = Assert.Throws<BadPlotRequestException>(() => PlotApiTranslator.Translate(Encoding.UTF8.GetBytes(payload), "data-bucket"));

        Assert.StartsWith(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_answer_is_json_and_says_so()
    {
        var response = PlotApiTranslator.Answer(new SizeChartResult.NoHistory("empty-bucket"));

        Assert.Equal("application/json", response.Headers["Content-Type"]);
    }

    [Fact]
    public void A_chart_result_the_api_does_not_know_is_a_programming_error_naming_it()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => PlotApiTranslator.Answer(new StrangeResult("data-bucket")));

        Assert.Equal("result", error.ParamName);
        Assert.StartsWith("a chart result the API does not know", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("7e11")] // beyond half of TimeSpan's range (about 4.6e11 s), within all of it
    [InlineData("1e10d")] // within the limit as a number, far beyond it once the unit is applied
    public void A_duration_beyond_half_of_what_a_timespan_holds_is_refused_without_an_overflow(string text) =>
        Assert.False(DurationText.TryParse(text, out _, out _));

    [Fact]
    public void Half_of_what_a_timespan_holds_is_the_longest_duration_accepted()
    {
        var limit = TimeSpan.MaxValue.TotalSeconds / 2;

        Assert.True(DurationText.TryParse(limit.ToString("R", CultureInfo.InvariantCulture), out var duration, out _));
        Assert.Equal(TimeSpan.FromSeconds(limit), duration);
    }

    [Fact]
    public void A_missing_event_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentNullException>(() => S3EventTranslator.ToRequest(null!));

        Assert.Equal("objectEvent", error.ParamName);
    }

    private sealed record StrangeResult(string BucketName) : SizeChartResult(BucketName);
}

/// <summary>
/// Tests written for mutants Stryker found surviving in the chart renderer (docs/testing.md): where the maximum line
/// and a lone point are drawn, read back from the pixels, and the edges of the byte labels.
/// </summary>
public sealed class ChartRendererMutationKillsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static SizeChart Chart(long[] sizes, long largest, int width = 1000, int height = 600, double stepSeconds = 1.5)
    {
        var points = sizes.Select((size, i) => new SizeRecord("mutation-check", T0.AddSeconds(i * stepSeconds), size, size > 0 ? 1 : 0)).ToList();
        return new SizeChart("mutation-check", TimeSpan.FromSeconds(10), points, new SizeRecord("mutation-check", T0.AddMinutes(-5), largest, 1), width, height);
    }

    /// <summary>
    /// The y axis runs from 3% below zero to a quarter above the highest of the maximum and the points, so the dashed
    /// red line sits at (top − max) / (1.03 × top) of the frame's height below its top edge.
    /// </summary>
    [Theory]
    [InlineData(new long[] { 0, 18, 27, 0, 2 }, 27L, 0.25 / 1.2875)] // the maximum is a point: room above it
    [InlineData(new long[] { 0, 1000 }, 10L, 1240 / 1287.5)] // a point above the stated maximum still fits the chart
    public void The_maximum_line_is_drawn_where_the_axis_puts_it_with_room_above_the_highest(long[] sizes, long largest, double expected)
    {
        var pixels = Pixels.Of(new ScottPlotSizeChartRenderer().RenderPng(Chart(sizes, largest)));

        var row = pixels.MeanRowOf(Pixels.IsRed, minimumShare: 0.3);

        Assert.True(row is not null, "no dashed red line across the frame");
        Assert.InRange(pixels.FromTop(row.Value), expected - 0.02, expected + 0.02);
    }

    [Fact]
    public void A_lone_point_is_drawn_in_the_middle_of_the_time_axis()
    {
        var pixels = Pixels.Of(new ScottPlotSizeChartRenderer().RenderPng(Chart([2], 2)));

        // Right of the legend (upper left), the only blue is the point's marker.
        var column = pixels.MeanColumnOf(Pixels.IsBlue, fromShareOfWidth: 0.35);

        Assert.True(column is not null, "the point's marker is missing");
        Assert.InRange(pixels.FromLeft(column.Value), 0.48, 0.52);
    }

    [Theory]
    [InlineData(60.0)] // an hour: HH:mm:ss labels
    [InlineData(3600.0)] // two days: date and time labels
    public void Longer_windows_are_drawn_with_their_text(double stepSeconds)
    {
        var png = new ScottPlotSizeChartRenderer().RenderPng(Chart([0, 18, 27, 0, 2], 27, stepSeconds: stepSeconds * 12));

        Assert.True(ChartImage.Text(png).Everywhere, $"a text region is blank: {ChartImage.Text(png)}");
    }

    [Theory]
    [InlineData(1023.0, "1023 B")]
    [InlineData(1024.0, "1 KiB")]
    [InlineData(27.5, "28 B")] // bytes below a KiB are whole
    [InlineData(3.0 * 1024 * 1024, "3 MiB")]
    [InlineData(5.0 * 1024 * 1024 * 1024 * 1024, "5 TiB")]
    [InlineData(2.0 * 1024 * 1024 * 1024 * 1024 * 1024, "2048 TiB")] // TiB is the largest unit
    public void Byte_labels_change_unit_at_1024_and_stop_at_tib(double bytes, string expected) =>
        Assert.Equal(expected, ScottPlotSizeChartRenderer.FormatBytes(bytes));

    [Fact]
    public void A_chart_without_points_is_refused_saying_why()
    {
        var error = Assert.Throws<ArgumentException>(() => new ScottPlotSizeChartRenderer().RenderPng(Chart([], 0)));

        Assert.Equal("chart", error.ParamName);
        Assert.StartsWith("a size chart needs at least one point", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chart_of_no_pixels_is_refused_saying_why()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ScottPlotSizeChartRenderer().RenderPng(Chart([2], 2, width: 0)));

        Assert.Equal("Skia could not allocate a 0×600 surface", error.Message);
    }

    [Fact]
    public void A_missing_chart_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentNullException>(() => new ScottPlotSizeChartRenderer().RenderPng(null!));

        Assert.Equal("chart", error.ParamName);
    }

    /// <summary>Where colours fall inside a chart's frame (<see cref="ChartPixels"/> finds it).</summary>
    private sealed class Pixels(ChartPixels chart)
    {
        public static bool IsRed(SKColor c) => c.Red > 200 && c.Green < 90 && c.Blue < 90;

        // ScottPlot's first series colour, #1F77B4.
        public static bool IsBlue(SKColor c) => c.Blue > 140 && c.Red < 90 && c.Green is > 80 and < 160;

        public static Pixels Of(byte[] png) => new(ChartPixels.Of(png));

        /// <summary>The mean row, inside the frame, of the rows where at least that share of the frame's width matches.</summary>
        public double? MeanRowOf(Func<SKColor, bool> match, double minimumShare)
        {
            var rows = Enumerable.Range(chart.Top + 1, chart.Bottom - chart.Top - 1)
                .Where(y => Enumerable.Range(chart.Left + 1, chart.Right - chart.Left - 1).Count(x => match(chart[x, y])) >= (chart.Right - chart.Left) * minimumShare)
                .ToList();
            return rows.Count == 0 ? null : rows.Average();
        }

        /// <summary>The mean column of the matching pixels inside the frame, right of that share of its width.</summary>
        public double? MeanColumnOf(Func<SKColor, bool> match, double fromShareOfWidth)
        {
            var start = chart.Left + 1 + (int)((chart.Right - chart.Left) * fromShareOfWidth);
            var columns = (from y in Enumerable.Range(chart.Top + 1, chart.Bottom - chart.Top - 1)
                           from x in Enumerable.Range(start, chart.Right - start)
                           where match(chart[x, y])
                           select x).ToList();
            return columns.Count == 0 ? null : columns.Average();
        }

        public double FromTop(double row) => (row - chart.Top) / (chart.Bottom - chart.Top);

        public double FromLeft(double column) => (column - chart.Left) / (chart.Right - chart.Left);
    }
}
