using System.Globalization;
using System.Text;

namespace Metrics;

/// <summary>Writes metric families in the Prometheus text exposition format, version 0.0.4.</summary>
public static class PrometheusTextWriter
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static string Write(IEnumerable<MetricFamily> families)
    {
        var text = new StringBuilder(16 * 1024);
        foreach (var family in families)
        {
            Write(text, family);
        }
        return text.ToString();
    }

    private static void Write(StringBuilder text, MetricFamily family)
    {
        text.Append("# HELP ").Append(family.Name).Append(' ');
        AppendEscaped(text, family.Help, escapeQuotes: false);
        text.Append('\n');
        text.Append("# TYPE ").Append(family.Name).Append(' ').Append(family.Type switch
        {
            MetricType.Counter => "counter",
            MetricType.Gauge => "gauge",
            _ => "histogram",
        }).Append('\n');

        foreach (var sample in family.Samples)
        {
            if (sample.Histogram is not { } histogram)
            {
                AppendLine(text, family.Name, sample.Labels, null, sample.Value);
                continue;
            }
            string bucket = family.Name + "_bucket";
            for (int i = 0; i < histogram.Cumulative.Length; i++)
            {
                string le = i < histogram.Bounds.Length ? FormatValue(histogram.Bounds[i]) : "+Inf";
                AppendLine(text, bucket, sample.Labels, le, histogram.Cumulative[i]);
            }
            AppendLine(text, family.Name + "_sum", sample.Labels, null, histogram.Sum);
            AppendLine(text, family.Name + "_count", sample.Labels, null, histogram.Count);
        }
    }

    private static void AppendLine(StringBuilder text, string name, IReadOnlyList<KeyValuePair<string, string>> labels, string? le, double value)
    {
        text.Append(name);
        if (labels.Count > 0 || le is not null)
        {
            text.Append('{');
            bool first = true;
            foreach (var (key, labelValue) in labels)
            {
                if (!first)
                {
                    text.Append(',');
                }
                first = false;
                text.Append(key).Append("=\"");
                AppendEscaped(text, labelValue, escapeQuotes: true);
                text.Append('"');
            }
            if (le is not null)
            {
                text.Append(first ? "" : ",").Append("le=\"").Append(le).Append('"');
            }
            text.Append('}');
        }
        text.Append(' ').Append(FormatValue(value)).Append('\n');
    }

    /// <summary>Backslash and line feed are escaped in help text; label values also escape double quotes.</summary>
    private static void AppendEscaped(StringBuilder text, string value, bool escapeQuotes)
    {
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\':
                    text.Append("\\\\");
                    break;
                case '\n':
                    text.Append("\\n");
                    break;
                case '"' when escapeQuotes:
                    text.Append("\\\"");
                    break;
                default:
                    text.Append(c);
                    break;
            }
        }
    }

    private static string FormatValue(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };
}
