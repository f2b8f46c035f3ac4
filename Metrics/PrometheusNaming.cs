using System.Diagnostics.Metrics;
using System.Text;

namespace Metrics;

/// <summary>
/// Maps System.Diagnostics.Metrics instrument names and units to Prometheus conventions: dots become underscores,
/// the unit <c>s</c> appends <c>_seconds</c> and <c>By</c> appends <c>_bytes</c>, annotation units such as
/// <c>{text}</c> are dropped, and counters end in <c>_total</c>.
/// </summary>
public static class PrometheusNaming
{
    public static string MetricName(Instrument instrument, MetricType type) => MetricName(instrument.Name, instrument.Unit, type);

    public static string MetricName(string instrumentName, string? unit, MetricType type)
    {
        var name = new StringBuilder(Sanitize(instrumentName));
        string? suffix = unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => null,
        };
        if (suffix is not null && !EndsWith(name, suffix))
        {
            name.Append(suffix);
        }
        if (type == MetricType.Counter && !EndsWith(name, "_total"))
        {
            name.Append("_total");
        }
        return name.ToString();
    }

    /// <summary>A name or label name with every character outside <c>[a-zA-Z0-9_]</c> replaced by <c>_</c>.</summary>
    public static string Sanitize(string name)
    {
        var result = new StringBuilder(name.Length);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            bool valid = c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (c is >= '0' and <= '9' && i > 0);
            result.Append(valid ? c : '_');
        }
        return result.ToString();
    }

    private static bool EndsWith(StringBuilder name, string suffix) =>
        name.Length >= suffix.Length && name.ToString(name.Length - suffix.Length, suffix.Length) == suffix;
}
