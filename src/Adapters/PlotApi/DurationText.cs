using System.Globalization;

namespace Assignment3.Adapters.PlotApi;

/// <summary>Durations as people type them: "10s", "1.5m", "2h", "500ms", or a bare number of seconds.</summary>
public static class DurationText
{
    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what was expected.</summary>
    public static bool TryParse(string? text, out TimeSpan duration, out string error)
    {
        duration = default;
        error = $"'{text}' is not a duration; use e.g. 10s, 500ms, 2m, 1h, or a number of seconds";
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        (string Suffix, double Seconds)[] units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400)];
        var (number, scale) = (trimmed, 1.0);
        foreach (var (suffix, seconds) in units)
        {
            if (trimmed.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && (suffix != "s" || !trimmed.EndsWith("ms", StringComparison.OrdinalIgnoreCase)))
            {
                (number, scale) = (trimmed[..^suffix.Length], seconds);
                break;
            }
        }

        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || double.IsNaN(value) || double.IsInfinity(value) || Math.Abs(value * scale) > TimeSpan.MaxValue.TotalSeconds / 2)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * scale);
        return true;
    }
}
