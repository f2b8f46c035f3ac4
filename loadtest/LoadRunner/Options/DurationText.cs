using System.Globalization;

namespace LoadRunner.Options;

/// <summary>Durations as written on the command line, k6 style: <c>500ms</c>, <c>30s</c>, <c>2m</c>, <c>1h</c>; a bare number is seconds.</summary>
internal static class DurationText
{
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        text = text.Trim();
        (string number, double unitSeconds) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (text[..^2], 0.001),
            _ when text.EndsWith('s') || text.EndsWith('S') => (text[..^1], 1.0),
            _ when text.EndsWith('m') || text.EndsWith('M') => (text[..^1], 60.0),
            _ when text.EndsWith('h') || text.EndsWith('H') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || !double.IsFinite(value) || value < 0 || value * unitSeconds > TimeSpan.FromDays(1).TotalSeconds)
        {
            return false;
        }
        duration = TimeSpan.FromSeconds(value * unitSeconds);
        return true;
    }

    /// <summary>Seconds with at most three decimals and an <c>s</c>, for messages.</summary>
    public static string Format(TimeSpan duration) => duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s";
}
