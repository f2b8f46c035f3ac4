using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace PredictionCluster.ServiceDefaults.Telemetry;

/// <summary>
/// Which instruments a host's meter provider exports, and how. OpenTelemetry subscribes to meters by name in the
/// whole process, so where several hosts share one (tests run the API and silos side by side) each would export
/// the others' figures too: an instrument of a meter another host's <see cref="IMeterFactory"/> created is dropped.
/// Meters of no host (the runtime's <c>System.Runtime</c>) describe the process and stay. Latency histograms get
/// <see cref="HistogramBuckets"/>.
/// </summary>
internal sealed class HostMetricsView(IMeterFactory hostMeters)
{
    public MetricStreamConfiguration? Select(Instrument instrument) =>
        instrument.Meter.Scope is IMeterFactory owner && !ReferenceEquals(owner, hostMeters)
            ? MetricStreamConfiguration.Drop
            : HistogramBuckets.LatencyView(instrument);
}
