using System.Globalization;
using Assignment3.Domain.Ports;
using ScottPlot;
using SkiaSharp;

namespace Assignment3.Adapters.Charting;

/// <summary>
/// Draws the size history as a step line with markers, the historical maximum as a dashed line, a title, axis labels
/// and a legend. Text uses the bundled Liberation Sans, so it renders on machines without fonts (AWS Lambda).
/// </summary>
public sealed class ScottPlotSizeChartRenderer : ISizeChartRenderer
{
    /// <summary>The family name the bundled font is registered under; unique so no system font can stand in for it.</summary>
    public const string FontFamily = "Assignment3 Liberation Sans";

    /// <summary>The bundled font file's name, next to this assembly in <c>Fonts/</c>.</summary>
    public const string FontFileName = "LiberationSans-Regular.ttf";

    /// <summary>
    /// PNG settings chosen for time: the "up" filter alone with zlib level 3 encodes the 1000×600 chart in about 3 ms
    /// and 45–50 KB, where Skia's defaults (every filter tried per row, level 6) take about 18 ms for 40 KB. A chart is
    /// drawn per request and stored once, so the encoding time is what a user waits for; 10 KB more to store is not.
    /// Levels 4 and above double the time for under 15% smaller files. docs/performance.md has the measurements.
    /// </summary>
    public static readonly SKPngEncoderOptions PngEncoding = new(SKPngEncoderFilterFlags.Up, zLibLevel: 3);

    private static readonly Lock FontGate = new();
    private static bool s_fontRegistered;

    /// <summary>Registers the bundled font as ScottPlot's default (once per process).</summary>
    public ScottPlotSizeChartRenderer() => RegisterBundledFont();

    /// <summary>The bundled font file's full path.</summary>
    public static string FontPath => Path.Combine(AssemblyDirectory(), "Fonts", FontFileName);

    // Next to this assembly, which under the managed runtime is the function's folder, not the runtime's
    // (AppContext.BaseDirectory). A Native AOT executable has no assembly files: there it is the executable's folder.
    [System.Diagnostics.CodeAnalysis.UnconditionalSuppressMessage("SingleFile", "IL3000",
        Justification = "An empty Assembly.Location (Native AOT) falls back to AppContext.BaseDirectory.")]
    private static string AssemblyDirectory() =>
        typeof(ScottPlotSizeChartRenderer).Assembly.Location is { Length: > 0 } location
            ? Path.GetDirectoryName(location)!
            : AppContext.BaseDirectory;

    /// <inheritdoc />
    public byte[] RenderPng(SizeChart chart)
    {
        ArgumentNullException.ThrowIfNull(chart);
        if (chart.Points.Count == 0)
        {
            throw new ArgumentException("a size chart needs at least one point", nameof(chart));
        }

        using var plot = new Plot();
        plot.Font.Set(FontFamily);

        var times = chart.Points.Select(p => p.Time.UtcDateTime).ToArray();
        var sizes = chart.Points.Select(p => (double)p.TotalSize).ToArray();
        var series = plot.Add.Scatter(times, sizes);
        // The size holds between two changes, so a step line tells the truth where a slope would not.
        series.ConnectStyle = ConnectStyle.StepHorizontal;
        series.LineWidth = 2;
        series.MarkerSize = 8;
        series.MarkerShape = MarkerShape.FilledCircle;
        series.LegendText = "Total size";

        var largest = chart.Largest.TotalSize;
        var maxLine = plot.Add.HorizontalLine(largest);
        maxLine.LinePattern = LinePattern.Dashed;
        maxLine.LineWidth = 2;
        maxLine.Color = Colors.Red;
        maxLine.LegendText = $"Historical max: {FormatBytes(largest)}";

        // The date axis replaces the bottom axis, so it comes before the axis label.
        var timeFormat = TimeFormatFor(times[^1] - times[0]);
        var timeAxis = plot.Axes.DateTimeTicksBottom();
        timeAxis.TickGenerator = new ScottPlot.TickGenerators.DateTimeAutomatic
        {
            LabelFormatter = time => time.ToString(timeFormat, CultureInfo.InvariantCulture),
        };
        plot.Title($"Size of bucket {chart.BucketName}");
        plot.XLabel("Time (UTC)");
        plot.YLabel("Total size");
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            // Sizes are never negative; the margin below zero gets no labels.
            LabelFormatter = bytes => bytes < 0 ? "" : FormatBytes(bytes),
            IntegerTicksOnly = true,
        };

        // Leave room above the max line and the legend, and a sliver below zero so that empty-bucket markers show whole.
        var top = Math.Max(Math.Max(largest, sizes.Max()), 1) * 1.25;
        plot.Axes.AutoScaleX();
        if (times.Length == 1 || times[0] == times[^1])
        {
            var centre = times[0].ToOADate();
            plot.Axes.SetLimitsX(centre - (5 / 86400.0), centre + (5 / 86400.0));
        }

        plot.Axes.SetLimitsY(-top * 0.03, top);
        plot.ShowLegend(Alignment.UpperLeft);

        return EncodePng(plot, chart.Width, chart.Height);
    }

    // Each call draws on its own surface: nothing mutable is shared between concurrent renders. A fresh surface costs
    // well under 0.1 ms, so pooling one would buy nothing. The chart has an opaque background, so the PNG needs no
    // alpha channel: an opaque surface is written as RGB, a tenth smaller and quicker to encode than RGBA.
    private static byte[] EncodePng(Plot plot, int width, int height)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque))
            ?? throw new InvalidOperationException($"Skia could not allocate a {width}×{height} surface");
        plot.Render(surface.Canvas, width, height);
        using var image = surface.Snapshot();
        using var pixels = image.PeekPixels();
        using var png = pixels.Encode(PngEncoding)
            ?? throw new InvalidOperationException("Skia could not encode the chart as PNG");
        return png.ToArray();
    }

    // Fine enough that neighbouring ticks differ, coarse enough to stay short.
    private static string TimeFormatFor(TimeSpan span) =>
        span < TimeSpan.FromSeconds(10) ? "HH:mm:ss.fff"
        : span < TimeSpan.FromDays(1) ? "HH:mm:ss"
        : "yyyy-MM-dd HH:mm";

    /// <summary>Bytes as a person reads them: "27 B", "1.5 KiB", "3.2 MiB".</summary>
    public static string FormatBytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (Math.Abs(bytes) >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} B")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.##} {units[unit]}");
    }

    private static void RegisterBundledFont()
    {
        lock (FontGate)
        {
            if (s_fontRegistered)
            {
                return;
            }

            if (!File.Exists(FontPath))
            {
                throw new FileNotFoundException($"the chart font is missing; it ships next to the adapter as Fonts/{FontFileName}", FontPath);
            }

            Fonts.AddFontFile(FontFamily, FontPath, bold: false, italic: false);
            Fonts.Default = FontFamily;
            s_fontRegistered = true;
        }
    }
}
