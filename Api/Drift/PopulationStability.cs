namespace PredictionCluster.Api.Drift;

/// <summary>
/// The population stability index of an observed distribution against an expected one over the same bins:
/// sum over bins of (a - e) * ln(a / e), a and e the bins' fractions. 0 when they are equal; symmetric; grows with the
/// shift. A bin empty on one side would make it infinite, so fractions are floored at <see cref="Epsilon"/> (a bin
/// empty on both sides adds nothing).
/// </summary>
public static class PopulationStability
{
    /// <summary>The least fraction a bin counts as: small against any real bin, large enough to keep one empty bin finite (about 0.1 · ln(1000) ≈ 0.7 for a bin of 10 % that disappears).</summary>
    public const double Epsilon = 1e-4;

    /// <summary>The index of <paramref name="actual"/> counts against <paramref name="expected"/> counts (same bins); 0 when either counts nothing.</summary>
    public static double Index(ReadOnlySpan<long> expected, ReadOnlySpan<long> actual)
    {
        if (expected.Length != actual.Length)
        {
            throw new ArgumentException($"{actual.Length} observed bins against {expected.Length} expected.", nameof(actual));
        }
        double expectedTotal = Total(expected), actualTotal = Total(actual);
        if (expectedTotal == 0 || actualTotal == 0)
        {
            return 0;
        }
        double index = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = Math.Max(expected[i] / expectedTotal, Epsilon);
            double a = Math.Max(actual[i] / actualTotal, Epsilon);
            index += (a - e) * Math.Log(a / e);
        }
        return index;
    }

    private static double Total(ReadOnlySpan<long> counts)
    {
        long total = 0;
        foreach (long count in counts)
        {
            total += count;
        }
        return total;
    }
}
