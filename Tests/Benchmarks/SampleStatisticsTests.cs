using Benchmarks;

namespace Tests.Benchmarks;

/// <summary>The median and spread the benchmark reports: linear interpolation between ranks (numpy's default).</summary>
public sealed class SampleStatisticsTests
{
    [Fact]
    public void FromUnsorted_OddCount_MedianIsTheMiddleValue()
    {
        double[] samples = [9, 1, 5, 3, 7];

        var stats = SampleStatistics.FromUnsorted(samples);

        Assert.Equal(5, stats.Count);
        Assert.Equal(5, stats.Median);
        Assert.Equal(1, stats.Min);
        Assert.Equal(9, stats.Max);
        Assert.Equal(1.8, stats.P10, 12);   // rank 0.4 between 1 and 3
        Assert.Equal(8.2, stats.P90, 12);   // rank 3.6 between 7 and 9
    }

    [Fact]
    public void FromUnsorted_EvenCount_MedianIsTheMeanOfTheMiddleTwo()
    {
        double[] samples = [4, 1, 3, 2];

        Assert.Equal(2.5, SampleStatistics.FromUnsorted(samples).Median);
    }

    [Fact]
    public void Percentile_MatchesLinearInterpolationOnOneToHundred()
    {
        double[] sorted = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

        Assert.Equal(1, SampleStatistics.Percentile(sorted, 0));
        Assert.Equal(10.9, SampleStatistics.Percentile(sorted, 0.10), 12);
        Assert.Equal(50.5, SampleStatistics.Percentile(sorted, 0.50), 12);
        Assert.Equal(90.1, SampleStatistics.Percentile(sorted, 0.90), 12);
        Assert.Equal(100, SampleStatistics.Percentile(sorted, 1));
    }

    [Fact]
    public void FromUnsorted_OneSample_EveryFigureIsThatSample()
    {
        var stats = SampleStatistics.FromUnsorted([42.0]);

        Assert.Equal((1, 42.0, 42.0, 42.0, 42.0, 42.0), (stats.Count, stats.Min, stats.P10, stats.Median, stats.P90, stats.Max));
    }

    [Fact]
    public void FromUnsorted_NoSamples_Throws()
    {
        Assert.Throws<ArgumentException>(() => SampleStatistics.FromUnsorted(Span<double>.Empty));
    }
}
