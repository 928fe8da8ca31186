using System.Buffers.Binary;
using System.Diagnostics;
using Assignment3.Adapters.Charting;
using Assignment3.Adapters.Local;
using Assignment3.Domain;
using Assignment3.Domain.Ports;

namespace Assignment3.Adapters.Tests;

public sealed class ChartRendererTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static SizeChart DemoChart(string bucket = "assignment3-data", int width = 1000, int height = 600)
    {
        long[] sizes = [0, 18, 27, 0, 2];
        var points = sizes.Select((size, i) => new SizeRecord(bucket, T0.AddMilliseconds(i * 1500), size, size > 0 ? 1 : 0)).ToList();
        return new SizeChart(bucket, TimeSpan.FromSeconds(10), points, points[2], width, height);
    }

    [Fact]
    public void Renders_a_png_of_the_asked_size()
    {
        var png = new ScottPlotSizeChartRenderer().RenderPng(DemoChart(width: 640, height: 360));

        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
        Assert.Equal(640, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        Assert.Equal(360, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));
    }

    [Fact]
    public void The_same_chart_gives_the_same_bytes()
    {
        var renderer = new ScottPlotSizeChartRenderer();

        Assert.Equal(renderer.RenderPng(DemoChart()), renderer.RenderPng(DemoChart()));
    }

    [Theory]
    [InlineData(1000, 600)]
    [InlineData(640, 360)]
    public void The_title_the_axis_labels_and_the_legend_are_drawn_as_text(int width, int height)
    {
        var png = new ScottPlotSizeChartRenderer().RenderPng(DemoChart(width: width, height: height));

        var text = ChartImage.Text(png);

        Assert.True(text.Everywhere, $"a text region is blank: {text}");
    }

    /// <summary>
    /// What a chart looks like when its font did not load (ScottPlot drops every label, without an error): the frame
    /// with its ticks, the grid, the step line with its markers, the dashed maximum — and no text. The check finds none.
    /// </summary>
    [Fact]
    public void The_text_check_finds_no_text_in_a_chart_drawn_without_any()
    {
        using var surface = SkiaSharp.SKSurface.Create(new SkiaSharp.SKImageInfo(1000, 600));
        var canvas = surface.Canvas;
        canvas.Clear(SkiaSharp.SKColors.White);
        using var grid = new SkiaSharp.SKPaint { Color = new SkiaSharp.SKColor(0xE5, 0xE5, 0xE5), StrokeWidth = 1 };
        using var ink = new SkiaSharp.SKPaint { Color = SkiaSharp.SKColors.Black, StrokeWidth = 1, IsAntialias = true, Style = SkiaSharp.SKPaintStyle.Stroke };
        using var line = new SkiaSharp.SKPaint { Color = new SkiaSharp.SKColor(0x1F, 0x77, 0xB4), StrokeWidth = 2, IsAntialias = true, Style = SkiaSharp.SKPaintStyle.Stroke };
        using var marker = new SkiaSharp.SKPaint { Color = new SkiaSharp.SKColor(0x1F, 0x77, 0xB4), IsAntialias = true };
        using var max = new SkiaSharp.SKPaint { Color = SkiaSharp.SKColors.Red, StrokeWidth = 2, PathEffect = SkiaSharp.SKPathEffect.CreateDash([12, 8], 0) };
        for (var y = 60; y < 550; y += 30)
        {
            canvas.DrawLine(56, y, 984, y, grid);
            canvas.DrawLine(50, y, 55, y, ink); // a tick, joined to the frame
        }

        for (var x = 100; x < 980; x += 160)
        {
            canvas.DrawLine(x, 553, x, 558, ink);
        }

        canvas.DrawRect(55, 43, 930, 509, ink);
        canvas.DrawRect(64, 50, 150, 45, ink); // the legend's box, empty
        using (var path = new SkiaSharp.SKPath())
        {
            path.MoveTo(99, 539);
            path.LineTo(586, 539);
            path.LineTo(586, 274);
            path.LineTo(831, 274);
            path.LineTo(831, 142);
            path.LineTo(898, 142);
            path.LineTo(898, 539);
            path.LineTo(943, 539);
            path.LineTo(943, 510);
            canvas.DrawPath(path, line);
        }

        foreach (var (x, y) in new[] { (99, 539), (586, 274), (831, 142), (898, 539), (943, 510) })
        {
            canvas.DrawCircle(x, y, 4, marker);
        }

        canvas.DrawLine(56, 142, 984, 142, max);
        using var image = surface.Snapshot();
        using var encoded = image.Encode(SkiaSharp.SKEncodedImageFormat.Png, 100);

        Assert.Equal(new ChartText(0, 0, 0, 0), ChartImage.Text(encoded.ToArray()));
    }

    [Fact]
    public void A_single_point_renders_with_its_text()
    {
        var single = new SizeChart("one-point", TimeSpan.FromSeconds(10), [new SizeRecord("one-point", T0, 2, 1)], new SizeRecord("one-point", T0, 2, 1), 400, 300);

        var png = new ScottPlotSizeChartRenderer().RenderPng(single);

        Assert.Equal(400, BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)));
        var text = ChartImage.Text(png);
        Assert.True(text.Title >= ChartText.Drawn && text.Left >= ChartText.Drawn && text.Bottom >= ChartText.Drawn, $"a text region is blank: {text}");
    }

    /// <summary>A window too full to draw record by record: hourly slots over 30 days, with a spike in one of them.</summary>
    private static SizeChart MonthOfSlots()
    {
        var latest = new SizeRecord("month", T0.AddDays(30), 5_000, 10);
        var hour = TimeSpan.FromHours(1);
        var slots = Enumerable.Range(0, 720).Select(h =>
        {
            var start = T0.AddHours(h).AddHours(1);
            SizeRecord At(int minute, long size) => new("month", start.AddMinutes(minute), size, 10);
            var spike = h == 360 ? At(30, 2_000_000) : At(30, 6_000 + (h % 24 * 100));
            return SizeSummary.Of(At(0, 4_000), hour).Add(spike).Add(At(59, 5_000));
        }).ToList();
        return new SizeChart("month", TimeSpan.FromDays(30), [latest], slots[360].Largest, 1000, 600) { Slots = slots };
    }

    [Fact]
    public void A_summarised_window_is_drawn_with_all_its_text_the_same_every_time()
    {
        var renderer = new ScottPlotSizeChartRenderer();

        var png = renderer.RenderPng(MonthOfSlots());

        Assert.True(ChartImage.Text(png).Everywhere, $"a text region is blank: {ChartImage.Text(png)}");
        Assert.Equal(png, renderer.RenderPng(MonthOfSlots()));
    }

    [Fact]
    public void The_title_names_the_window_and_the_changes_it_stands_for()
    {
        var single = new SizeChart("one", TimeSpan.FromSeconds(10), [new SizeRecord("one", T0, 2, 1)], new SizeRecord("one", T0, 2, 1), 400, 300);

        Assert.Equal("Size of bucket assignment3-data: last 10 s, 5 changes", ScottPlotSizeChartRenderer.TitleOf(DemoChart()));
        Assert.Equal("Size of bucket one: last 10 s, 1 change", ScottPlotSizeChartRenderer.TitleOf(single));
        Assert.Equal("Size of bucket month: last 30 days, 2,160 changes", ScottPlotSizeChartRenderer.TitleOf(MonthOfSlots()));
    }

    [Theory]
    [InlineData(2_000, "HH:mm:ss.fff")] // seconds: milliseconds tell the points apart
    [InlineData(600_000, "HH:mm:ss")]
    [InlineData(6 * 3_600_000, "HH:mm")]
    [InlineData(3 * 86_400_000L, "MM-dd HH:mm")]
    [InlineData(30 * 86_400_000L, "yyyy-MM-dd")] // months: dates
    public void Time_labels_suit_the_span_drawn(long milliseconds, string format) =>
        Assert.Equal(format, ScottPlotSizeChartRenderer.TimeFormatFor(TimeSpan.FromMilliseconds(milliseconds)));

    /// <summary>
    /// Charts of every kind of window, each ending where a tick (and its centred label) falls on the data area's right
    /// edge: no label reaches the image's outer columns, where it would be cut.
    /// </summary>
    [Theory]
    [InlineData(10_000)]
    [InlineData(3_600_000)]
    [InlineData(86_400_000)]
    [InlineData(30 * 86_400_000L)]
    public void No_label_is_cut_by_the_image_edge(long spanMs)
    {
        var span = TimeSpan.FromMilliseconds(spanMs);
        var points = Enumerable.Range(0, 6).Select(i => new SizeRecord("edges", T0 + (span * i / 5), 1000 + (i * 10), 1)).ToList();
        var charts = new[]
        {
            new SizeChart("edges", span, points, points[^1], 1000, 600),
            new SizeChart("edges", span, points, points[^1], 640, 360),
        };

        foreach (var chart in charts)
        {
            var pixels = ChartPixels.Of(new ScottPlotSizeChartRenderer().RenderPng(chart));
            var edgeInk = Enumerable.Range(0, pixels.Height)
                .Where(y => Enumerable.Range(pixels.Width - 3, 3).Any(x => pixels.IsDark(x, y))).ToList();
            Assert.True(edgeInk.Count == 0, $"{chart.Width}×{chart.Height}, {span}: ink in the last three columns at rows {string.Join(", ", edgeInk.Take(10))}");
        }
    }

    [Fact]
    public void An_empty_chart_is_refused()
    {
        var empty = new SizeChart("b", TimeSpan.FromSeconds(10), [], new SizeRecord("b", T0, 0, 0), 400, 300);

        Assert.Throws<ArgumentException>(() => new ScottPlotSizeChartRenderer().RenderPng(empty));
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(27, "27 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(5L * 1024 * 1024 * 1024, "5 GiB")]
    public void Byte_labels_read_like_a_person_writes_them(long bytes, string expected) =>
        Assert.Equal(expected, ScottPlotSizeChartRenderer.FormatBytes(bytes));

    /// <summary>
    /// Runs the local CLI in a mount namespace where /usr/share/fonts is empty (as on Lambda) and checks the chart it
    /// writes is the very same image, text included, as one drawn here.
    /// </summary>
    [Fact]
    public async Task Text_is_drawn_identically_on_a_machine_without_any_fonts()
    {
        using var state = new TempDirectory();
        var chart = DemoChart("fonts-check");
        var history = new SqliteHistoryRepository(state["history.db"]);
        foreach (var point in chart.Points)
        {
            await history.AppendAsync(point, null, default);
        }

        var cli = Path.Combine(AppContext.BaseDirectory, "assignment3.dll");
        var command = WithoutFonts.Wrap(["dotnet", cli, "--state", state.Path, "plot", "fonts-check", "--window", "10s"]);
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        command.Skip(1).ToList().ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {output} {error}");
        Assert.StartsWith("0\n", error, StringComparison.Ordinal); // the namespace really had no font files
        var written = await File.ReadAllBytesAsync(Path.Combine(state.Path, "buckets", "assignment3-plots", "fonts-check",
            "size-history-20261126T120006000Z.png"));
        var drawnHere = new ScottPlotSizeChartRenderer().RenderPng(chart);
        Assert.True(ChartImage.Text(written).Everywhere, $"text is missing without system fonts: {ChartImage.Text(written)}");
        Assert.Equal(drawnHere, written);
    }
}
