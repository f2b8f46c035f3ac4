namespace PredictionCluster.Inference.Drift;

/// <summary>
/// The top-score histogram's buckets, shared by the <c>model.top_score</c> histogram, the drift reference written at
/// model build time and the service's window of recent predictions: a population stability index compares bucket
/// with bucket, so all three must cut scores at the same bounds.
/// </summary>
public static class ScoreBuckets
{
    private static readonly double[] s_bounds = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

    /// <summary>Upper bounds, ascending: from 1/k for k labels up; the upper end resolves a confident model's 0.9-0.99.</summary>
    public static IReadOnlyList<double> Bounds { get; } = Array.AsReadOnly(s_bounds);

    /// <summary>
    /// The bucket of <paramref name="score"/>: the first bound it does not exceed (upper-inclusive, as OpenTelemetry's
    /// and Prometheus' explicit buckets), or <c>bounds.Length</c> above the last. A linear scan over a span: a dozen
    /// compares beat a binary search's branches at this size, and it allocates nothing (it runs once per answered text).
    /// </summary>
    public static int Of(ReadOnlySpan<double> bounds, double score)
    {
        int bucket = 0;
        while (bucket < bounds.Length && score > bounds[bucket])
        {
            bucket++;
        }
        return bucket;
    }

    /// <summary><see cref="Of(ReadOnlySpan{double}, double)"/> over <see cref="Bounds"/>.</summary>
    public static int Of(double score) => Of(s_bounds, score);
}
