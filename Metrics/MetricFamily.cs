namespace Metrics;

/// <summary>
/// One metric as a scrape sees it: its Prometheus name (counters end in <c>_total</c>), help, type and one sample
/// per label set. An immutable copy taken at collection time.
/// </summary>
public sealed record MetricFamily(string Name, string Help, MetricType Type, IReadOnlyList<MetricSample> Samples);
