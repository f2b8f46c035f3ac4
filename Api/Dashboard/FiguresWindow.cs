using Metrics;

namespace Api.Dashboard;

/// <summary>
/// One source's figures over a window: rates and histogram deltas between an earlier snapshot and now (percentiles
/// from bucket deltas, as Prometheus' histogram_quantile over rate() does), gauges as they are now.
/// </summary>
internal sealed class FiguresWindow(IReadOnlyList<MetricFamily> now, IReadOnlyList<MetricFamily>? then, double seconds)
{
    /// <summary>True when there is an earlier snapshot to take deltas from.</summary>
    public bool HasBaseline => then is not null && seconds > 0;

    /// <summary>Per second over the window, of a counter's samples or a histogram's counts; null without a baseline.</summary>
    public double? Rate(string family, Func<MetricSample, bool>? where = null) =>
        HasBaseline ? Math.Max(0, Total(now, family, where) - Total(then!, family, where)) / seconds : null;

    /// <summary>Since start: the sum of a counter's samples, or of a histogram's counts.</summary>
    public double Total(string family, Func<MetricSample, bool>? where = null) => Total(now, family, where);

    /// <summary>The sum of a gauge's (or a counter's) samples now; null when the family is absent.</summary>
    public double? Value(string family, Func<MetricSample, bool>? where = null) =>
        Find(now, family)?.Samples.Where(s => where is null || where(s)).Sum(s => s.Value);

    /// <summary>What a histogram observed in the window (since start without a baseline), its samples merged.</summary>
    public HistogramSnapshot? Delta(string family, Func<MetricSample, bool>? where = null)
    {
        var current = Merge(now, family, where);
        if (current is null)
        {
            return null;
        }
        var earlier = then is null ? null : Merge(then, family, where);
        if (earlier is null || earlier.Bounds.Length != current.Bounds.Length)
        {
            return current;
        }
        var cumulative = new long[current.Cumulative.Length];
        for (int i = 0; i < cumulative.Length; i++)
        {
            cumulative[i] = Math.Max(0, current.Cumulative[i] - earlier.Cumulative[i]);
        }
        return new HistogramSnapshot(current.Bounds, cumulative, current.Sum - earlier.Sum);
    }

    /// <summary>Sums histograms with the same bounds (several label sets, or several silos).</summary>
    public static HistogramSnapshot? Merge(IEnumerable<HistogramSnapshot?> histograms)
    {
        HistogramSnapshot? merged = null;
        foreach (var histogram in histograms)
        {
            if (histogram is null)
            {
                continue;
            }
            if (merged is null)
            {
                merged = histogram with { Cumulative = [.. histogram.Cumulative] };
                continue;
            }
            if (histogram.Bounds.Length != merged.Bounds.Length)
            {
                continue;
            }
            for (int i = 0; i < merged.Cumulative.Length; i++)
            {
                merged.Cumulative[i] += histogram.Cumulative[i];
            }
            merged = merged with { Sum = merged.Sum + histogram.Sum };
        }
        return merged;
    }

    private static HistogramSnapshot? Merge(IReadOnlyList<MetricFamily> families, string family, Func<MetricSample, bool>? where) =>
        Find(families, family) is { } found ? Merge(found.Samples.Where(s => where is null || where(s)).Select(s => s.Histogram)) : null;

    private static double Total(IReadOnlyList<MetricFamily> families, string family, Func<MetricSample, bool>? where) =>
        Find(families, family)?.Samples.Where(s => where is null || where(s)).Sum(s => s.Histogram?.Count ?? s.Value) ?? 0;

    private static MetricFamily? Find(IReadOnlyList<MetricFamily> families, string name)
    {
        foreach (var family in families)
        {
            if (family.Name == name)
            {
                return family;
            }
        }
        return null;
    }
}
