namespace Assignment3.Domain;

/// <summary>
/// One observation of a bucket: how many objects it held and their total size, at a moment with millisecond precision.
/// </summary>
/// <param name="BucketName">The observed bucket.</param>
/// <param name="Time">When the observation began, i.e. when the listing that measured it started (UTC, whole
/// milliseconds; the history's sort key).</param>
/// <param name="TotalSize">Sum of all object sizes, in bytes.</param>
/// <param name="ObjectCount">Number of objects.</param>
public sealed record SizeRecord(string BucketName, DateTimeOffset Time, long TotalSize, int ObjectCount)
{
    /// <summary>The record's time as Unix epoch milliseconds: the form every store keeps.</summary>
    public long TimeMilliseconds => Time.ToUnixTimeMilliseconds();

    /// <summary>Cuts a timestamp to whole milliseconds, the resolution the history keeps.</summary>
    public static DateTimeOffset ToMilliseconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
}
