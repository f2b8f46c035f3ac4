using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace PredictionCluster.ServiceDefaults.Telemetry;

/// <summary>
/// Bucket bounds for latency histograms. The SDK's defaults (and ASP.NET Core's and Orleans' advice) start at 5 ms,
/// so a cache hit answered in 0.3 ms would share the lowest bucket with everything up to 5 ms; these resolve 0.1 ms.
/// Histograms of other units keep the bounds their instrument advises (batch size, padded tokens).
/// </summary>
public static class HistogramBuckets
{
    /// <summary>Latency bounds in seconds, 0.1 ms to 10 s.</summary>
    public static readonly double[] Seconds =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>The same bounds in milliseconds, for instruments measured in <c>ms</c> (Orleans' latencies).</summary>
    public static readonly double[] Milliseconds = [.. Seconds.Select(bound => bound * 1000)];

    /// <summary>A view giving every latency histogram these bounds; null leaves any other instrument as it is.</summary>
    public static MetricStreamConfiguration? LatencyView(Instrument instrument) => instrument switch
    {
        { Unit: "s" } when IsHistogram(instrument) => new ExplicitBucketHistogramConfiguration { Boundaries = Seconds },
        { Unit: "ms" } when IsHistogram(instrument) => new ExplicitBucketHistogramConfiguration { Boundaries = Milliseconds },
        _ => null,
    };

    private static bool IsHistogram(Instrument instrument) =>
        instrument.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Histogram<>);
}
