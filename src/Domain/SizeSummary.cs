namespace Assignment3.Domain;

/// <summary>
/// What a bucket's history did within one time slot: the smallest, largest and last record and how many records
/// (changes) fell in it. Slots are aligned to their resolution in Unix time (a 1-hour slot starts on the hour, UTC),
/// so every store and every writer agrees on which slot a record belongs to.
/// </summary>
/// <param name="BucketName">The bucket.</param>
/// <param name="Resolution">The slot's length: one of <see cref="SummaryResolutions.All"/>.</param>
/// <param name="Start">The slot's first millisecond; the slot ends just before <c>Start + Resolution</c>.</param>
/// <param name="Smallest">The record with the smallest total size in the slot (the earliest of equals).</param>
/// <param name="Largest">The record with the largest total size in the slot (the earliest of equals).</param>
/// <param name="Last">The newest record in the slot.</param>
/// <param name="Changes">How many records the slot holds.</param>
public sealed record SizeSummary(
    string BucketName, TimeSpan Resolution, DateTimeOffset Start, SizeRecord Smallest, SizeRecord Largest, SizeRecord Last, long Changes)
{
    /// <summary>The summary of a slot that holds only <paramref name="record"/>.</summary>
    public static SizeSummary Of(SizeRecord record, TimeSpan resolution)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new SizeSummary(record.BucketName, resolution, SlotStart(record.Time, resolution), record, record, record, 1);
    }

    /// <summary>This summary with <paramref name="record"/>, which belongs to the same bucket and slot, folded in.</summary>
    public SizeSummary Add(SizeRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (record.BucketName != BucketName || SlotStart(record.Time, Resolution) != Start)
        {
            throw new ArgumentException(
                $"the record of {record.BucketName} at {record.Time:O} is not in the {Resolution} slot of {BucketName} at {Start:O}", nameof(record));
        }

        return this with
        {
            Smallest = Earlier(record, Smallest, record.TotalSize.CompareTo(Smallest.TotalSize)),
            Largest = Earlier(record, Largest, Largest.TotalSize.CompareTo(record.TotalSize)),
            Last = record.Time > Last.Time ? record : Last,
            Changes = Changes + 1,
        };
    }

    /// <summary>The first millisecond of the slot of length <paramref name="resolution"/> that holds <paramref name="time"/>.</summary>
    public static DateTimeOffset SlotStart(DateTimeOffset time, TimeSpan resolution)
    {
        var length = (long)resolution.TotalMilliseconds;
        if (length <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(resolution), resolution, "a slot lasts at least a millisecond");
        }

        var milliseconds = time.ToUnixTimeMilliseconds();
        // Floor, not truncation: times before 1970 belong to the slot that starts before them.
        return DateTimeOffset.FromUnixTimeMilliseconds(milliseconds - (((milliseconds % length) + length) % length));
    }

    // The candidate wins when it is strictly better (order < 0), or equally good and earlier, so that the fold gives
    // the same answer whatever order the records arrive in.
    private static SizeRecord Earlier(SizeRecord candidate, SizeRecord current, int order) =>
        order < 0 || (order == 0 && candidate.Time < current.Time) ? candidate : current;
}

/// <summary>
/// The slot lengths every store keeps summaries at. Each is at most ten times the one before, so a chart that may draw
/// <c>n</c> slots always finds one that gives it more than <c>n / 10</c> of them (and a year of days for the longest window).
/// </summary>
public static class SummaryResolutions
{
    /// <summary>Finest first: 10 s, 1 min, 10 min, 1 h, 1 day.</summary>
    public static IReadOnlyList<TimeSpan> All { get; } =
    [
        TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1), TimeSpan.FromDays(1),
    ];

    /// <summary>
    /// The finest resolution at which <paramref name="window"/> spans at most <paramref name="maxSlots"/> slots (counting
    /// the slot cut by each end), or the coarsest when none does.
    /// </summary>
    public static TimeSpan For(TimeSpan window, int maxSlots) =>
        All.FirstOrDefault(resolution => SlotsSpanned(window, resolution) <= maxSlots, All[^1]);

    /// <summary>The most slots of <paramref name="resolution"/> a window of <paramref name="window"/> can touch.</summary>
    public static long SlotsSpanned(TimeSpan window, TimeSpan resolution) => (window.Ticks / resolution.Ticks) + 2;
}
