namespace Metrics;

/// <summary>One label set's value: <see cref="Value"/> for counters and gauges, <see cref="Histogram"/> for histograms.</summary>
public sealed record MetricSample(IReadOnlyList<KeyValuePair<string, string>> Labels, double Value, HistogramSnapshot? Histogram = null)
{
    /// <summary>The value of label <paramref name="name"/>, or null when the sample does not carry it.</summary>
    public string? Label(string name)
    {
        foreach (var label in Labels)
        {
            if (label.Key == name)
            {
                return label.Value;
            }
        }
        return null;
    }
}
