namespace Metrics;

/// <summary>
/// The running state of one instrument for one label set: a value (counters, gauges) or fixed histogram buckets.
/// Updated with Interlocked operations from any thread; read at scrape time.
/// </summary>
internal sealed class MetricSeries
{
    private readonly double[]? _bounds;
    /// <summary>Observations per bucket (not cumulative); the last slot is the +Inf bucket.</summary>
    private readonly long[]? _buckets;
    private double _value;
    private double _sum;

    public MetricSeries(KeyValuePair<string, string>[] labels, double[]? bounds)
    {
        Labels = labels;
        _bounds = bounds;
        _buckets = bounds is null ? null : new long[bounds.Length + 1];
    }

    public KeyValuePair<string, string>[] Labels { get; }

    public void Add(double delta) => AddDouble(ref _value, delta);

    public void Set(double value) => Volatile.Write(ref _value, value);

    public void Observe(double value)
    {
        var bounds = _bounds!;
        // Few bounds: a linear scan beats a binary search's branches, and most observations land in the first few.
        int i = 0;
        while (i < bounds.Length && value > bounds[i])
        {
            i++;
        }
        Interlocked.Increment(ref _buckets![i]);
        AddDouble(ref _sum, value);
    }

    public MetricSample Snapshot()
    {
        if (_buckets is null)
        {
            return new MetricSample(Labels, Volatile.Read(ref _value));
        }
        var cumulative = new long[_buckets.Length];
        long running = 0;
        for (int i = 0; i < _buckets.Length; i++)
        {
            running += Interlocked.Read(ref _buckets[i]);
            cumulative[i] = running;
        }
        return new MetricSample(Labels, 0, new HistogramSnapshot(_bounds!, cumulative, Volatile.Read(ref _sum)));
    }

    private static void AddDouble(ref double target, double delta)
    {
        double current = Volatile.Read(ref target);
        while (true)
        {
            double seen = Interlocked.CompareExchange(ref target, current + delta, current);
            if (seen.Equals(current))
            {
                return;
            }
            current = seen;
        }
    }
}
