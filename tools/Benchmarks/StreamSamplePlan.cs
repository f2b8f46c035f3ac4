namespace Benchmarks;

/// <summary>
/// Where a memory stream samples RSS: after each tenth of the stream, or after each million texts when that gives more
/// samples, at most <see cref="MaxSamples"/> (10 M texts: one a million; 50 M: one every 2.5 M; 4,000: one every 400).
/// </summary>
internal static class StreamSamplePlan
{
    public const long Million = 1_000_000;
    public const int MinSamples = 10;
    public const int MaxSamples = 20;

    /// <summary>The text counts after which RSS is read, ascending, the last one <paramref name="texts"/>.</summary>
    public static long[] Points(long texts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(texts, 1);
        long samples = Math.Min(texts, Math.Clamp((texts + Million - 1) / Million, MinSamples, MaxSamples));
        var points = new long[samples];
        for (long i = 0; i < samples; i++)
        {
            points[i] = texts * (i + 1) / samples;
        }
        return points;
    }
}
