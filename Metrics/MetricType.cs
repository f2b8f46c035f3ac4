namespace Metrics;

/// <summary>The Prometheus metric types this exporter writes.</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
