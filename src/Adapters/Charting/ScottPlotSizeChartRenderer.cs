using System.Globalization;
using Assignment3.Domain.Ports;
using ScottPlot;
using SkiaSharp;

namespace Assignment3.Adapters.Charting;

/// <summary>
/// Draws the size history as a step line with markers (or, for a summarised window, a band from each slot's smallest
/// to its largest size under a step line of its last sizes), the historical maximum as a dashed line, a title naming
/// the window and the changes drawn, axis labels and a legend. Text uses the bundled Liberation Sans, so it renders on machines without fonts (AWS Lambda).
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

    /// <summary>
    /// Room kept right of the data area, in pixels: half the widest time label ("2026-11-30 14:52" or
    /// "14:52:52.300") and a margin, so a tick at the right end keeps its whole label inside the image.
    /// </summary>
    public const float RightMargin = 56;

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

        var latest = chart.Latest;
        double[] sizesDrawn;
        if (chart.Slots.Count > 0)
        {
            sizesDrawn = AddSlots(plot, chart);
        }
        else
        {
            var times = chart.Points.Select(p => p.Time.UtcDateTime).ToArray();
            sizesDrawn = chart.Points.Select(p => (double)p.TotalSize).ToArray();
            var series = plot.Add.Scatter(times, sizesDrawn);
            // The size holds between two changes, so a step line tells the truth where a slope would not.
            series.ConnectStyle = ConnectStyle.StepHorizontal;
            series.LineWidth = 2;
            series.MarkerSize = 8;
            series.MarkerShape = MarkerShape.FilledCircle;
            series.LegendText = "Total size";
        }

        var largest = chart.Largest.TotalSize;
        var maxLine = plot.Add.HorizontalLine(largest);
        maxLine.LinePattern = LinePattern.Dashed;
        maxLine.LineWidth = 2;
        maxLine.Color = Colors.Red;
        maxLine.LegendText = $"Historical max: {FormatBytes(largest)}";

        // A window of records is drawn around its points, as it always was; a summarised one spans its whole window.
        var (left, right) = chart.Slots.Count > 0
            ? ((latest.Time - chart.Window).UtcDateTime, latest.Time.UtcDateTime)
            : (chart.Points[0].Time.UtcDateTime, latest.Time.UtcDateTime);
        if (chart.Slots.Count > 0)
        {
            plot.Axes.SetLimitsX(left.ToOADate(), right.ToOADate());
        }
        else if (left == right)
        {
            var centre = left.ToOADate();
            plot.Axes.SetLimitsX(centre - (5 / 86400.0), centre + (5 / 86400.0));
        }
        else
        {
            plot.Axes.AutoScaleX();
        }

        // The date axis replaces the bottom axis, so it comes before the axis label.
        var timeFormat = TimeFormatFor(right - left);
        var timeAxis = plot.Axes.DateTimeTicksBottom();
        timeAxis.TickGenerator = new ScottPlot.TickGenerators.DateTimeAutomatic
        {
            LabelFormatter = time => time.ToString(timeFormat, CultureInfo.InvariantCulture),
        };
        plot.Axes.Right.MinimumSize = RightMargin;
        plot.Title(TitleOf(chart));
        plot.XLabel(timeFormat.StartsWith("yyyy", StringComparison.Ordinal) || timeFormat.StartsWith("MM", StringComparison.Ordinal)
            ? "Date and time (UTC)" : "Time (UTC)");
        plot.YLabel("Total size");
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            // Sizes are never negative; the margin below zero gets no labels.
            LabelFormatter = bytes => bytes < 0 ? "" : FormatBytes(bytes),
            IntegerTicksOnly = true,
        };

        // Leave room above the max line and the legend, and a sliver below zero so that empty-bucket markers show whole.
        var top = Math.Max(Math.Max(largest, sizesDrawn.Max()), 1) * 1.25;
        plot.Axes.SetLimitsY(-top * 0.03, top);
        plot.ShowLegend(Alignment.UpperLeft);

        return EncodePng(plot, chart.Width, chart.Height);
    }

    // Each slot is a band from its smallest to its largest size, so a spike shorter than a pixel still shows; a step
    // line joins the slots' last sizes and ends on the latest record, drawn as the only marker. Returns every size drawn.
    private static double[] AddSlots(Plot plot, SizeChart chart)
    {
        var edges = chart.Slots.SelectMany(slot => new[] { slot.Start, slot.Start + slot.Resolution })
            .Select(time => time.UtcDateTime.ToOADate()).ToArray();
        var lows = chart.Slots.SelectMany(slot => new[] { (double)slot.Smallest.TotalSize, slot.Smallest.TotalSize }).ToArray();
        var highs = chart.Slots.SelectMany(slot => new[] { (double)slot.Largest.TotalSize, slot.Largest.TotalSize }).ToArray();
        var band = plot.Add.FillY(edges, lows, highs);
        band.FillColor = Colors.C0.WithAlpha(0.35);
        band.LineWidth = 1;
        band.LineColor = Colors.C0.WithAlpha(0.6);
        band.LegendText = $"Smallest to largest per {FormatDuration(chart.Slots[0].Resolution)}";

        var lasts = chart.Slots.Select(slot => slot.Last).Append(chart.Latest).DistinctBy(record => record.Time).ToArray();
        var line = plot.Add.Scatter(lasts.Select(r => r.Time.UtcDateTime).ToArray(), lasts.Select(r => (double)r.TotalSize).ToArray());
        line.ConnectStyle = ConnectStyle.StepHorizontal;
        line.LineWidth = 2;
        line.MarkerSize = 0;
        line.Color = Colors.C0;
        line.LegendText = "Total size (last per slot)";

        var latest = plot.Add.Marker(chart.Latest.Time.UtcDateTime.ToOADate(), chart.Latest.TotalSize, MarkerShape.FilledCircle, 8, Colors.C0);
        latest.LegendText = $"Latest: {FormatBytes(chart.Latest.TotalSize)}";
        return [.. lows, .. highs, chart.Latest.TotalSize];
    }

    /// <summary>The chart's title: the bucket, the window drawn and how many changes it stands for.</summary>
    public static string TitleOf(SizeChart chart) =>
        chart is null ? throw new ArgumentNullException(nameof(chart)) : string.Create(CultureInfo.InvariantCulture,
            $"Size of bucket {chart.BucketName}: last {FormatDuration(chart.Window)}, {chart.Changes:N0} change{(chart.Changes == 1 ? "" : "s")}");

    /// <summary>A duration in its largest whole unit: "10 s", "1 h", "30 days"; mixed durations in seconds.</summary>
    public static string FormatDuration(TimeSpan duration) => duration switch
    {
        { Ticks: var t } when t % TimeSpan.TicksPerDay == 0 => Plural(duration.Days, "day"),
        { Ticks: var t } when t % TimeSpan.TicksPerHour == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalHours} h"),
        { Ticks: var t } when t % TimeSpan.TicksPerMinute == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalMinutes} min"),
        { Ticks: var t } when t % TimeSpan.TicksPerSecond == 0 => string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalSeconds} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0.###} ms"),
    };

    private static string Plural(int count, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {unit}{(count == 1 ? "" : "s")}");

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

    /// <summary>
    /// The time label format for a chart spanning <paramref name="span"/>: fine enough that neighbouring ticks differ,
    /// coarse enough to stay short (milliseconds for seconds, dates for months).
    /// </summary>
    public static string TimeFormatFor(TimeSpan span) =>
        span < TimeSpan.FromSeconds(10) ? "HH:mm:ss.fff"
        : span < TimeSpan.FromHours(1) ? "HH:mm:ss"
        : span < TimeSpan.FromDays(1) ? "HH:mm"
        : span < TimeSpan.FromDays(7) ? "MM-dd HH:mm"
        : "yyyy-MM-dd";

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
