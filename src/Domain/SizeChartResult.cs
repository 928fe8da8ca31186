using Assignment3.Domain.Ports;

namespace Assignment3.Domain;

/// <summary>What a chart request produced.</summary>
public abstract record SizeChartResult(string BucketName)
{
    /// <summary>The chart was drawn and stored.</summary>
    /// <param name="BucketName">The bucket drawn.</param>
    /// <param name="Location">Where the PNG was stored.</param>
    /// <param name="PointsDrawn">How many points the chart draws: one per record of the window, or, when the window
    /// held too many records, one per summary slot plus the latest record.</param>
    /// <param name="Largest">The historical maximum drawn as a line.</param>
    /// <param name="From">Start of the window (inclusive).</param>
    /// <param name="To">End of the window: the latest record (inclusive).</param>
    /// <param name="Link">A link a person can open to see the PNG, when the adapter that stored it can give one.</param>
    public sealed record Rendered(string BucketName, BlobLocation Location, int PointsDrawn, SizeRecord Largest,
        DateTimeOffset From, DateTimeOffset To, Uri? Link = null) : SizeChartResult(BucketName)
    {
        /// <summary>How many records (changes) the chart stands for.</summary>
        public long Changes { get; init; } = PointsDrawn;

        /// <summary>The length of the summary slots drawn, or null when every record of the window is drawn.</summary>
        public TimeSpan? Resolution { get; init; }
    }

    /// <summary>The bucket has no history yet, so there is nothing to draw.</summary>
    public sealed record NoHistory(string BucketName) : SizeChartResult(BucketName)
    {
        /// <summary>The sentence shown to the caller.</summary>
        public string Message => $"no history for bucket {BucketName}";
    }
}
