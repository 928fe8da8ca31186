namespace Assignment3.TestKit;

/// <summary>
/// A clock whose wall time only moves when told; timers and elapsed time stay real, so polling still works.
/// </summary>
/// <param name="start">The initial time.</param>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start;

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    /// <summary>Moves the wall time forward.</summary>
    public void Advance(TimeSpan by)
    {
        lock (_gate)
        {
            _now += by;
        }
    }
}
