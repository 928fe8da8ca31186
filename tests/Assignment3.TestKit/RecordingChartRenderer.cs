using Assignment3.Domain.Ports;

namespace Assignment3.TestKit;

/// <summary>Keeps every chart it is asked to draw and answers with a fixed 1×1 PNG.</summary>
public sealed class RecordingChartRenderer : ISizeChartRenderer
{
    /// <summary>A valid, transparent 1×1 PNG.</summary>
    public static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private readonly List<SizeChart> _charts = [];

    /// <summary>The charts drawn so far, in order.</summary>
    public IReadOnlyList<SizeChart> Charts => _charts;

    /// <inheritdoc />
    public byte[] RenderPng(SizeChart chart)
    {
        _charts.Add(chart);
        return TinyPng;
    }
}
