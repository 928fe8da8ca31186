using System.Diagnostics;
using Assignment3.Adapters.Charting;
using Assignment3.Adapters.InMemory;
using Assignment3.Adapters.Local;
using Assignment3.Domain;
using Assignment3.Domain.Ports;
using Assignment3.Domain.UseCases;
using Assignment3.TestKit;
using MediatR;
using Microsoft.Extensions.DependencyInjection;

namespace Assignment3.Benchmarks;

/// <summary>One window's chart: what it read and drew, and its time against the floor.</summary>
internal sealed record WindowFigures(
    string Window, long Changes, long ItemsRead, int PointsDrawn, string Resolution, double MedianMs, double FloorMedianMs, long FloorItems)
{
    public double Ratio => MedianMs / FloorMedianMs;
}

/// <summary>
/// Plotting at 10 s, 1 h, 1 day and 30 days over a month of history at one change a second (2,592,000 records) in the
/// local SQLite store, through the same domain handler the functions run, with the real renderer. Items read are
/// counted at the port, so they are what any store reads, DynamoDB included. The floor is the least a chart of the
/// same picture costs: rendering and storing it, with one item read per point drawn plus the maximum's.
/// </summary>
internal static class WindowBenchmark
{
    private static readonly (string Name, TimeSpan Window)[] Windows =
    [
        ("10s", TimeSpan.FromSeconds(10)), ("1h", TimeSpan.FromHours(1)), ("1d", TimeSpan.FromDays(1)), ("30d", TimeSpan.FromDays(30)),
    ];

    public static async Task<(double GenerateSeconds, IReadOnlyList<WindowFigures> Windows)> RunAsync(string folder, int runs)
    {
        const string Bucket = "bench-month";
        const int Seconds = 30 * 24 * 3600;
        var history = new SqliteHistoryRepository(Path.Combine(folder, "history.db"));
        var latest = SizeRecord.ToMilliseconds(DateTimeOffset.UtcNow);
        var generate = Stopwatch.StartNew();
        await history.ImportAsync(Enumerable.Range(0, Seconds).Select(i =>
            new SizeRecord(Bucket, latest.AddSeconds(i - Seconds + 1), 1_000_000 + ((i * 7919L) % 50_000), 100 + (i % 7))), default);
        generate.Stop();

        var counting = new ReadCountingHistory(history);
        var renderer = new ScottPlotSizeChartRenderer();
        var blobs = new FolderBlobStore(Path.Combine(folder, "buckets"));
        await using var provider = new ServiceCollection()
            .AddDomain()
            .AddLogging()
            .AddSingleton<IHistoryRepository>(counting)
            .AddSingleton<ISizeChartRenderer>(renderer)
            .AddSingleton<IBlobStore>(blobs)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new ChartSettings("bench-plots"))
            .BuildServiceProvider();
        var mediator = provider.GetRequiredService<IMediator>();
        var figures = new List<WindowFigures>();
        foreach (var (name, window) in Windows)
        {
            var request = new RenderSizeChart(Bucket, window);
            var before = counting.ItemsRead;
            var chart = (SizeChartResult.Rendered)await mediator.Send(request);
            var itemsRead = counting.ItemsRead - before;
            var handler = new Sample();
            for (var run = 0; run < runs; run++)
            {
                await handler.TimeAsync(async () => await mediator.Send(request));
            }

            // The floor draws the very same picture from memory: the chart the handler drew, rendered and stored.
            var recording = new RecordingChartRenderer();
            await new RenderSizeChartHandler(history, recording, new InMemoryBlobStore(), new ChartSettings("bench-plots")).Handle(request, default);
            var picture = recording.Charts.Single();
            var floor = new Sample();
            for (var run = 0; run < runs; run++)
            {
                await floor.TimeAsync(async () =>
                {
                    await blobs.PutAsync("bench-plots", "floor.png", renderer.RenderPng(picture), "image/png", default);
                    return 0;
                });
            }

            figures.Add(new WindowFigures(name, chart.Changes, itemsRead, chart.PointsDrawn,
                chart.Resolution is { } r ? ScottPlotSizeChartRenderer.FormatDuration(r) : "every record",
                handler.Median, floor.Median, chart.PointsDrawn + 1));
        }

        return (generate.Elapsed.TotalSeconds, figures);
    }
}
