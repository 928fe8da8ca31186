using System.Diagnostics;

namespace Assignment3.Benchmarks;

/// <summary>Timings of one thing in milliseconds, and the figures the report gives of them.</summary>
internal sealed class Sample
{
    private readonly List<double> _milliseconds = [];

    public int Count => _milliseconds.Count;

    public double Median => Percentile(50);

    public double Min => _milliseconds.Min();

    public double Max => _milliseconds.Max();

    /// <summary>Nearest-rank percentile.</summary>
    public double Percentile(int percent)
    {
        var sorted = _milliseconds.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(percent / 100.0 * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    public void Add(double milliseconds) => _milliseconds.Add(milliseconds);

    /// <summary>Runs <paramref name="action"/> once and records how long it took.</summary>
    public async Task<T> TimeAsync<T>(Func<Task<T>> action)
    {
        var started = Stopwatch.GetTimestamp();
        var result = await action();
        Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return result;
    }
}
