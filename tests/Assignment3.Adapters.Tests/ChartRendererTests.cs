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
        return new SizeChart(bucket, points, points[2], width, height);
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

    [Fact]
    public void The_title_band_holds_drawn_text()
    {
        var png = new ScottPlotSizeChartRenderer().RenderPng(DemoChart());

        Assert.True(ChartImage.DarkPixelsInTitleBand(png) > 200, "the title band is blank: the title was not drawn");
    }

    [Fact]
    public void A_single_point_renders_too()
    {
        var single = new SizeChart("one-point", [new SizeRecord("one-point", T0, 2, 1)], new SizeRecord("one-point", T0, 2, 1), 400, 300);

        Assert.NotEmpty(new ScottPlotSizeChartRenderer().RenderPng(single));
    }

    [Fact]
    public void An_empty_chart_is_refused()
    {
        var empty = new SizeChart("b", [], new SizeRecord("b", T0, 0, 0), 400, 300);

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
        var start = new ProcessStartInfo("unshare")
        {
            ArgumentList =
            {
                "--mount", "--propagation", "private", "sh", "-c",
                "mkdir -p /usr/share/fonts && mount -t tmpfs none /usr/share/fonts && ls -A /usr/share/fonts | wc -l && exec dotnet \"$0\" \"$@\"",
                cli, "--state", state.Path, "plot", "fonts-check", "--window", "6s",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {output} {error}");
        Assert.StartsWith("0\n", output, StringComparison.Ordinal); // the namespace really had no font files
        var written = await File.ReadAllBytesAsync(Path.Combine(state.Path, "buckets", "assignment3-plots", "fonts-check",
            "size-history-20261126T120006000Z.png"));
        var drawnHere = new ScottPlotSizeChartRenderer().RenderPng(chart);
        Assert.True(ChartImage.DarkPixelsInTitleBand(written) > 200, "no title text without system fonts");
        Assert.Equal(drawnHere, written);
    }
}
