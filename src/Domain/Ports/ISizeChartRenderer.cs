namespace Assignment3.Domain.Ports;

/// <summary>Draws a size history as a PNG image.</summary>
public interface ISizeChartRenderer
{
    /// <summary>Renders <paramref name="chart"/>; the same chart always gives the same bytes.</summary>
    byte[] RenderPng(SizeChart chart);
}

/// <summary>What a size chart shows.</summary>
/// <param name="BucketName">The bucket named in the title.</param>
/// <param name="Points">The records in the window, oldest first (never empty).</param>
/// <param name="Largest">The largest size ever recorded for the bucket, drawn as a dashed line.</param>
/// <param name="Width">Image width in pixels.</param>
/// <param name="Height">Image height in pixels.</param>
public sealed record SizeChart(string BucketName, IReadOnlyList<SizeRecord> Points, SizeRecord Largest, int Width, int Height);
