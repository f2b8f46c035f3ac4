namespace Tests.Metrics;

/// <summary>One sample line as Prometheus' parser read it (histograms give one per bucket, plus _sum and _count).</summary>
public sealed record ParsedSample(string Name, Dictionary<string, string> Labels, double Value);
