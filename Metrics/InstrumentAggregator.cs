using System.Diagnostics.Metrics;
using System.Globalization;

namespace Metrics;

/// <summary>
/// Everything one instrument has recorded, one <see cref="MetricSeries"/> per label set. The series of a label set
/// is found without allocating once it exists: a hash over the kept tags picks a chain in a fixed table of immutable
/// entries, read without a lock; only a new label set takes the lock.
/// </summary>
internal sealed class InstrumentAggregator
{
    /// <summary>Label sets per instrument at most; measurements with further ones are dropped (a cardinality bug must not eat memory).</summary>
    public const int MaxSeries = 1000;

    private const int TableSize = 256;

    private readonly LabelMap? _labels;
    private readonly double[]? _bounds;
    private readonly Entry?[] _table = new Entry?[TableSize];
    private readonly List<MetricSeries> _series = [];
    private readonly Lock _lock = new();

    public InstrumentAggregator(Instrument instrument, LabelMap? labels)
    {
        Instrument = instrument;
        _labels = labels;
        (Type, Update) = instrument switch
        {
            Counter<long> or Counter<int> or Counter<double> or Counter<float> or Counter<short> or Counter<byte> or Counter<decimal> => (MetricType.Counter, UpdateKind.Add),
            ObservableCounter<long> or ObservableCounter<int> or ObservableCounter<double> or ObservableCounter<float> or ObservableCounter<short> or ObservableCounter<byte> or ObservableCounter<decimal> => (MetricType.Counter, UpdateKind.Set),
            UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double> or UpDownCounter<float> or UpDownCounter<short> or UpDownCounter<byte> or UpDownCounter<decimal> => (MetricType.Gauge, UpdateKind.Add),
            Histogram<long> or Histogram<int> or Histogram<double> or Histogram<float> or Histogram<short> or Histogram<byte> or Histogram<decimal> => (MetricType.Histogram, UpdateKind.Observe),
            _ => (MetricType.Gauge, UpdateKind.Set),
        };
        _bounds = Type == MetricType.Histogram ? HistogramBuckets.For(instrument) : null;
        Name = PrometheusNaming.MetricName(instrument, Type);
        Help = instrument.Description ?? instrument.Name;
    }

    public Instrument Instrument { get; }

    public string Name { get; }

    public string Help { get; }

    public MetricType Type { get; }

    private UpdateKind Update { get; }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var series = Find(tags);
        if (series is null)
        {
            return;
        }
        switch (Update)
        {
            case UpdateKind.Add:
                series.Add(value);
                break;
            case UpdateKind.Set:
                series.Set(value);
                break;
            default:
                series.Observe(value);
                break;
        }
    }

    public MetricFamily Snapshot()
    {
        MetricSeries[] series;
        lock (_lock)
        {
            series = [.. _series];
        }
        if (series.Length == 0 && Type != MetricType.Gauge)
        {
            // A counter or histogram nothing was recorded in yet reads 0 rather than missing, so that rate() sees
            // the first increment. (A gauge has no meaningful zero.)
            series = [new MetricSeries([], _bounds)];
        }
        var samples = new MetricSample[series.Length];
        for (int i = 0; i < series.Length; i++)
        {
            samples[i] = series[i].Snapshot();
        }
        return new MetricFamily(Name, Help, Type, samples);
    }

    private MetricSeries? Find(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        int hash = Hash(tags);
        for (var entry = Volatile.Read(ref _table[hash & (TableSize - 1)]); entry is not null; entry = entry.Next)
        {
            if (entry.Hash == hash && Matches(entry.Tags, tags))
            {
                return entry.Series;
            }
        }
        return Add(hash, tags);
    }

    private MetricSeries? Add(int hash, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var kept = new List<KeyValuePair<string, object?>>(tags.Length);
        foreach (var tag in tags)
        {
            if (Keeps(tag.Key))
            {
                kept.Add(tag);
            }
        }
        lock (_lock)
        {
            ref var head = ref _table[hash & (TableSize - 1)];
            for (var entry = head; entry is not null; entry = entry.Next)
            {
                if (entry.Hash == hash && Matches(entry.Tags, tags))
                {
                    return entry.Series;
                }
            }
            var labels = kept.Select(tag => new KeyValuePair<string, string>(LabelName(tag.Key), Format(tag.Value)))
                .OrderBy(label => label.Key, StringComparer.Ordinal)
                .ToArray();
            // The same labels in another order are the same series (Prometheus would reject a duplicate).
            var series = _series.Find(s => s.Labels.SequenceEqual(labels));
            if (series is null)
            {
                if (_series.Count >= MaxSeries)
                {
                    return null;
                }
                series = new MetricSeries(labels, _bounds);
                _series.Add(series);
            }
            Volatile.Write(ref head, new Entry(hash, [.. kept], series, head));
            return series;
        }
    }

    private int Hash(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        int hash = 17;
        foreach (var tag in tags)
        {
            if (Keeps(tag.Key))
            {
                hash = unchecked((hash * 31 + tag.Key.GetHashCode()) * 31 + (tag.Value?.GetHashCode() ?? 0));
            }
        }
        return hash;
    }

    private bool Matches(KeyValuePair<string, object?>[] stored, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        int j = 0;
        foreach (var tag in tags)
        {
            if (!Keeps(tag.Key))
            {
                continue;
            }
            if (j == stored.Length || !string.Equals(stored[j].Key, tag.Key, StringComparison.Ordinal) || !Equals(stored[j].Value, tag.Value))
            {
                return false;
            }
            j++;
        }
        return j == stored.Length;
    }

    private bool Keeps(string tagKey) => _labels is null || _labels.Keeps(tagKey);

    private string LabelName(string tagKey) => _labels?.LabelName(tagKey) ?? PrometheusNaming.Sanitize(tagKey);

    private static string Format(object? value) => value switch
    {
        null => "",
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private enum UpdateKind
    {
        Add,
        Set,
        Observe,
    }

    /// <summary>An immutable link of a hash chain: the tags as recorded (kept ones, in order) and their series.</summary>
    private sealed class Entry(int hash, KeyValuePair<string, object?>[] tags, MetricSeries series, Entry? next)
    {
        public int Hash { get; } = hash;

        public KeyValuePair<string, object?>[] Tags { get; } = tags;

        public MetricSeries Series { get; } = series;

        public Entry? Next { get; } = next;
    }
}
