using LoadRunner.Measurement;

namespace Tests.LoadTest;

public sealed class LatencyHistogramTests
{
    private static readonly double[] Percentiles = [0, 1, 10, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void ValueAtPercentile_RandomLatencies_WithinStatedPrecisionOfExactNearestRank(int seed)
    {
        var random = new Random(seed);
        // Log-normal around 2 ms with a long tail, plus a few values in the exact range and a few huge ones.
        var values = Enumerable.Range(0, 100_000).Select(_ => (long)Math.Exp(Math.Log(2000) + 1.5 * NextGaussian(random)))
            .Concat(Enumerable.Range(0, 500).Select(_ => (long)random.Next(0, 256)))
            .Concat(Enumerable.Range(0, 50).Select(_ => random.NextInt64(1_000_000, 60_000_000_000)))
            .ToArray();
        var histogram = new LatencyHistogram();
        foreach (long value in values)
        {
            histogram.Record(value);
        }
        Array.Sort(values);

        Assert.Equal(values.Length, histogram.Count);
        foreach (double percentile in Percentiles)
        {
            long exact = ExactNearestRank(values, percentile);
            long reported = histogram.ValueAtPercentile(percentile);
            Assert.True(Math.Abs(reported - exact) <= exact * LatencyHistogram.RelativePrecision,
                $"p{percentile}: histogram {reported}, exact {exact}");
        }
        Assert.Equal(values[^1], histogram.Max);
        Assert.Equal(values[0], histogram.Min);
        Assert.Equal(values.Average(v => (double)v), histogram.Mean, 6);
    }

    [Fact]
    public void ValueAtPercentile_SmallValues_Exact()
    {
        var histogram = new LatencyHistogram();
        for (int v = 1; v <= 200; v++)
        {
            histogram.Record(v);
        }

        Assert.Equal(100, histogram.ValueAtPercentile(50));
        Assert.Equal(198, histogram.ValueAtPercentile(99));
        Assert.Equal(200, histogram.ValueAtPercentile(100));
        Assert.Equal(1, histogram.ValueAtPercentile(0));
    }

    [Fact]
    public void Merge_TwoHalves_SameAsOneHistogramOfAll()
    {
        var random = new Random(7);
        var all = new LatencyHistogram();
        var first = new LatencyHistogram();
        var second = new LatencyHistogram();
        for (int i = 0; i < 20_000; i++)
        {
            long value = random.NextInt64(0, 5_000_000);
            all.Record(value);
            (i % 3 == 0 ? first : second).Record(value);
        }

        var merged = new LatencyHistogram();
        merged.Merge(first);
        merged.Merge(second);
        merged.Merge(new LatencyHistogram());

        Assert.Equal(all.Count, merged.Count);
        Assert.Equal(all.Max, merged.Max);
        Assert.Equal(all.Min, merged.Min);
        Assert.Equal(all.Mean, merged.Mean, 6);
        foreach (double percentile in Percentiles)
        {
            Assert.Equal(all.ValueAtPercentile(percentile), merged.ValueAtPercentile(percentile));
        }
    }

    [Fact]
    public void Empty_EverythingZero()
    {
        var histogram = new LatencyHistogram();

        Assert.Equal(0, histogram.Count);
        Assert.Equal(0, histogram.Max);
        Assert.Equal(0, histogram.Min);
        Assert.Equal(0, histogram.Mean);
        Assert.All(Percentiles, p => Assert.Equal(0, histogram.ValueAtPercentile(p)));
    }

    [Fact]
    public void Record_BeyondTrackableRange_MaxStaysExact()
    {
        var histogram = new LatencyHistogram();
        histogram.Record(10);
        histogram.Record(long.MaxValue / 2);

        Assert.Equal(long.MaxValue / 2, histogram.Max);
        Assert.Equal(long.MaxValue / 2, histogram.ValueAtPercentile(100));
        Assert.Equal(10, histogram.ValueAtPercentile(50));
    }

    [Fact]
    public void Record_ManyThreadsAtOnce_NoCountLost()
    {
        var histogram = new LatencyHistogram();

        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, thread =>
        {
            for (int i = 0; i < 50_000; i++)
            {
                histogram.Record(i % 1000 + thread);
            }
        });

        Assert.Equal(200_000, histogram.Count);
        Assert.Equal(1002, histogram.Max);
        Assert.Equal(0, histogram.Min);
    }

    private static long ExactNearestRank(long[] sorted, double percentile)
    {
        long rank = Math.Clamp((long)Math.Ceiling(percentile / 100 * sorted.Length), 1, sorted.Length);
        return sorted[rank - 1];
    }

    private static double NextGaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
