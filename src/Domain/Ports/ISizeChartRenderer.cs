namespace Assignment3.Domain.Ports;

/// <summary>Draws a size history as a PNG image.</summary>
public interface ISizeChartRenderer
{
    /// <summary>Renders <paramref name="chart"/>; the same chart always gives the same bytes.</summary>
    byte[] RenderPng(SizeChart chart);
}

/// <summary>What a size chart shows.</summary>
/// <param name="BucketName">The bucket named in the title.</param>
/// <param name="Window">How far back from the latest record the chart reaches.</param>
/// <param name="Points">The records drawn one by one, oldest first, never empty: every record of the window, or only the
/// latest when the window held too many to draw (then <see cref="Slots"/> stand for the rest).</param>
/// <param name="Largest">The largest size ever recorded for the bucket, drawn as a dashed line.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
public sealed record SizeChart(string BucketName, TimeSpan Window, IReadOnlyList<SizeRecord> Points, SizeRecord Largest, int Width, int Height)
{
    /// <summary>Per-slot summaries, oldest first, each drawn from its smallest to its largest size; empty when every record is drawn.</summary>
    public IReadOnlyList<SizeSummary> Slots { get; init; } = [];

    /// <summary>How many records (changes) the chart stands for; the number of points unless slots summarise them.</summary>
    public long Changes => Slots.Count > 0 ? Slots.Sum(slot => slot.Changes) : Points.Count;

    /// <summary>The newest record: the chart's right end.</summary>
    public SizeRecord Latest => Points[^1];
}
