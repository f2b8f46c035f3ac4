using System.Diagnostics.Metrics;

namespace Metrics;

/// <summary>
/// Listens to this host's instruments (<see cref="MetricsSelection"/>) and keeps their aggregates, for
/// <c>/metrics</c> and the operator dashboard alike. Only meters created by this host's <see cref="IMeterFactory"/>
/// count, so several hosts in one process (tests) each report their own figures.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    private readonly IMeterFactory _meterFactory;
    private readonly BuildInfo _buildInfo;
    private readonly MeterListener _listener;
    private readonly List<InstrumentAggregator> _aggregators = [];
    private readonly Lock _collectLock = new();

    public MetricsCollector(IMeterFactory meterFactory, BuildInfo buildInfo)
    {
        _meterFactory = meterFactory;
        _buildInfo = buildInfo;
        _listener = new MeterListener { InstrumentPublished = Publish };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<int>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<double>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<float>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<short>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<byte>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record(value, tags));
        _listener.SetMeasurementEventCallback<decimal>(static (_, value, tags, state) => ((InstrumentAggregator)state!).Record((double)value, tags));
        _listener.Start();
    }

    /// <summary>Every exported metric now, sorted by name: the host's instruments, process figures and build info.</summary>
    public IReadOnlyList<MetricFamily> Collect()
    {
        var families = new List<MetricFamily>();
        lock (_collectLock)
        {
            // Observable instruments report through the measurement callback, into their aggregators' Set.
            _listener.RecordObservableInstruments();
            InstrumentAggregator[] aggregators;
            lock (_aggregators)
            {
                aggregators = [.. _aggregators];
            }
            foreach (var aggregator in aggregators)
            {
                families.Add(aggregator.Snapshot());
            }
        }
        families.AddRange(ProcessMetrics.Collect());
        families.Add(_buildInfo.Family());
        families.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return families;
    }

    public void Dispose() => _listener.Dispose();

    private void Publish(Instrument instrument, MeterListener listener)
    {
        if (!ReferenceEquals(instrument.Meter.Scope, _meterFactory) || !MetricsSelection.Selects(instrument, out var labels))
        {
            return;
        }
        var aggregator = new InstrumentAggregator(instrument, labels);
        lock (_aggregators)
        {
            // One family per Prometheus name: the same instrument created twice (e.g. by two clients sharing the
            // host's meter) records into one aggregate; a clash of types keeps the first and ignores the other.
            var existing = _aggregators.Find(a => a.Name == aggregator.Name);
            if (existing is not null && existing.Type != aggregator.Type)
            {
                return;
            }
            if (existing is null)
            {
                _aggregators.Add(aggregator);
            }
            aggregator = existing ?? aggregator;
        }
        listener.EnableMeasurementEvents(instrument, aggregator);
    }
}
