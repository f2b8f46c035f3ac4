using System.Diagnostics.Metrics;

namespace Metrics;

/// <summary>
/// Bucket upper bounds per histogram. Latencies (unit <c>s</c>) share one set from 0.5 ms to 10 s, so every latency
/// panel reads alike and sub-millisecond cache hits are not lumped into one bucket (ASP.NET Core's own advice starts
/// at 5 ms). Other histograms use the bounds their instrument advises, else powers of two.
/// </summary>
public static class HistogramBuckets
{
    public static readonly double[] Seconds =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Texts per inference batch (1..64), fine enough at the small end where batches form under light load.</summary>
    public static readonly int[] BatchSize = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64];

    /// <summary>Padded tokens per batch: rows x longest row, up to the default 8192 cap and beyond.</summary>
    public static readonly int[] BatchTokens = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

    private static readonly double[] PowersOfTwo = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192];

    public static double[] For(Instrument instrument)
    {
        if (instrument.Unit == "s")
        {
            return Seconds;
        }
        return instrument switch
        {
            Histogram<int> { Advice.HistogramBucketBoundaries: { } bounds } => bounds.Select(b => (double)b).ToArray(),
            Histogram<long> { Advice.HistogramBucketBoundaries: { } bounds } => bounds.Select(b => (double)b).ToArray(),
            Histogram<double> { Advice.HistogramBucketBoundaries: { } bounds } => [.. bounds],
            _ => PowersOfTwo,
        };
    }
}
