namespace Benchmarks;

/// <summary>
/// Median and spread of repeated measurements. Percentiles interpolate linearly between the two nearest ranks
/// (numpy's default), so the median of an even count is the mean of the middle two.
/// </summary>
internal readonly record struct SampleStatistics(int Count, double Min, double P10, double Median, double P90, double Max)
{
    /// <summary>Summarizes <paramref name="samples"/> (any order; the caller's span is sorted in place).</summary>
    public static SampleStatistics FromUnsorted(Span<double> samples)
    {
        if (samples.IsEmpty)
        {
            throw new ArgumentException("At least one sample is needed.", nameof(samples));
        }
        samples.Sort();
        return new SampleStatistics(
            samples.Length,
            samples[0],
            Percentile(samples, 0.10),
            Percentile(samples, 0.50),
            Percentile(samples, 0.90),
            samples[^1]);
    }

    /// <summary>The <paramref name="fraction"/> (0..1) percentile of ascending <paramref name="sorted"/>.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double fraction)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("At least one sample is needed.", nameof(sorted));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(fraction, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fraction, 1.0);
        double rank = fraction * (sorted.Length - 1);
        int below = (int)Math.Floor(rank);
        if (below >= sorted.Length - 1)
        {
            return sorted[^1];
        }
        return sorted[below] + (rank - below) * (sorted[below + 1] - sorted[below]);
    }
}
