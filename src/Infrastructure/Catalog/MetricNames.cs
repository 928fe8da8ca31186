namespace Assignment3.Catalog;

/// <summary>The system's own CloudWatch metrics: the functions write them, the dashboard shows them.</summary>
public static class MetricNames
{
    /// <summary>The namespace every metric of this system is in.</summary>
    public const string Namespace = "Assignment3";

    /// <summary>size-tracking: the tracked bucket's total size after a change, in bytes (dimension <see cref="BucketDimension"/>).</summary>
    public const string BucketSize = "BucketSizeBytes";

    /// <summary>size-tracking: the tracked bucket's object count after a change (dimension <see cref="BucketDimension"/>).</summary>
    public const string ObjectCount = "ObjectCount";

    /// <summary>
    /// size-tracking, incremental mode: what one reconciliation found the running total size to be missing, in bytes
    /// (positive: it counted too little; 0 when the state was right). One data point per reconciliation (dimension <see cref="BucketDimension"/>).
    /// </summary>
    public const string DriftBytes = "ReconciliationDriftBytes";

    /// <summary>size-tracking, incremental mode: what one reconciliation found the object count to be missing (dimension <see cref="BucketDimension"/>).</summary>
    public const string DriftObjects = "ReconciliationDriftObjects";

    /// <summary>plotting: how long drawing and encoding one chart took, in milliseconds (no dimension).</summary>
    public const string ChartRenderTime = "ChartRenderTime";

    /// <summary>The dimension of the bucket metrics.</summary>
    public const string BucketDimension = "BucketName";
}
