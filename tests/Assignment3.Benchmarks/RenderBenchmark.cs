using System.Diagnostics;
using Assignment3.Adapters.Charting;
using Assignment3.Domain;
using Assignment3.Domain.Ports;
using SkiaSharp;

namespace Assignment3.Benchmarks;

/// <summary>How long one PNG encoding of the chart takes, and how large it is.</summary>
internal sealed record PngEncodingFigures(string Filter, int ZlibLevel, bool Chosen, double MedianMs, int Bytes);

/// <summary>
/// The render path alone, no I/O: the whole chart as the plotting function draws it, and the chart's pixels encoded
/// with each PNG setting considered, to show why <see cref="ScottPlotSizeChartRenderer.PngEncoding"/> is what it is.
/// </summary>
internal static class RenderBenchmark
{
    private static readonly (SKPngEncoderFilterFlags Filter, int Level)[] Candidates =
    [
        (SKPngEncoderFilterFlags.AllFilters, 6), // Skia's default
        (SKPngEncoderFilterFlags.NoFilters, 1),
        (SKPngEncoderFilterFlags.Sub, 1),
        (SKPngEncoderFilterFlags.Up, 1),
        (SKPngEncoderFilterFlags.Up, 3),
        (SKPngEncoderFilterFlags.Up, 4),
        (SKPngEncoderFilterFlags.Up, 6),
        (SKPngEncoderFilterFlags.Paeth, 1),
    ];

    /// <summary>The chart the plotting benchmark draws: 20 points 450 ms apart, 1000×600.</summary>
    public static SizeChart Chart(string bucket, IReadOnlyList<SizeRecord> points) => new(bucket, TimeSpan.FromSeconds(10), points, points.MaxBy(p => p.TotalSize)!, 1000, 600);

    public static (double RenderMedianMs, IReadOnlyList<PngEncodingFigures> Encodings) Run(SizeChart chart, int runs)
    {
        var renderer = new ScottPlotSizeChartRenderer();
        var png = renderer.RenderPng(chart);
        var render = Median(runs, () => renderer.RenderPng(chart).Length);

        using var bitmap = SKBitmap.Decode(png);
        using var pixels = bitmap.PeekPixels();
        var chosen = ScottPlotSizeChartRenderer.PngEncoding;
        var encodings = Candidates.Select(candidate =>
        {
            var options = new SKPngEncoderOptions(candidate.Filter, candidate.Level);
            var bytes = 0;
            var median = Median(runs, () =>
            {
                using var data = pixels.Encode(options) ?? throw new InvalidOperationException("Skia could not encode the chart");
                return bytes = (int)data.Size;
            });
            return new PngEncodingFigures(candidate.Filter.ToString(), candidate.Level,
                candidate.Filter == chosen.FilterFlags && candidate.Level == chosen.ZLibLevel, median, bytes);
        }).ToList();
        return (render, encodings);
    }

    private static double Median(int runs, Func<int> action)
    {
        for (var warmUp = 0; warmUp < 3; warmUp++)
        {
            action();
        }

        var sample = new Sample();
        for (var run = 0; run < runs; run++)
        {
            var started = Stopwatch.GetTimestamp();
            action();
            sample.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return sample.Median;
    }
}
