using Benchmarks;

namespace Tests.Benchmarks;

/// <summary>What <c>memory-http</c> streams and how it reads its samples: the texts, where RSS is sampled, the level and the deviation from it.</summary>
public sealed class MemoryStreamFiguresTests
{
    [Fact]
    public void UniqueTexts_FirstTwoHundredThousand_AreDistinctShortAndRepeatable()
    {
        var texts = new HashSet<string>(StringComparer.Ordinal);
        for (long i = 0; i < 200_000; i++)
        {
            string text = UniqueTexts.Get(i);
            Assert.True(texts.Add(text), $"text {i} repeats: '{text}'");
            Assert.InRange(text.Split(' ').Length, 5, 8);
        }
        Assert.Equal(UniqueTexts.Get(123_456), UniqueTexts.Get(123_456));
    }

    [Fact]
    public void UniqueTexts_LargestIndex_FitsMaxLength()
    {
        Span<char> text = stackalloc char[UniqueTexts.MaxLength];

        int length = UniqueTexts.Format(long.MaxValue, text);

        Assert.Contains(long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture), new string(text[..length]));
    }

    [Theory]
    [InlineData(4_000, 10, 400)]               // a tenth of the stream
    [InlineData(10_000_000, 10, 1_000_000)]    // a tenth is a million
    [InlineData(15_000_000, 15, 1_000_000)]    // a million gives more samples
    [InlineData(50_000_000, 20, 2_500_000)]    // at most twenty
    [InlineData(3, 3, 1)]                      // never an empty step
    public void StreamSamplePlan_Points_EvenStepsEndingAtTheStreamsEnd(long texts, int samples, long firstStep)
    {
        long[] points = StreamSamplePlan.Points(texts);

        Assert.Equal(samples, points.Length);
        Assert.Equal(firstStep, points[0]);
        Assert.Equal(texts, points[^1]);
        Assert.All(points.Zip(points.Skip(1)), pair => Assert.True(pair.Second > pair.First));
    }

    [Fact]
    public void RssLevel_TakenAtTheFirstMillion_DeviationFromLaterSamplesEitherWay()
    {
        // The first sample (half a million) is below everything: it is before the level and does not count.
        var samples = Series((500_000, 500), (1_000_000, 1000), (1_500_000, 1080), (2_000_000, 950), (2_500_000, 1020));

        var level = RssLevel.Of(samples);

        Assert.Equal(1_000_000, level.At.Texts);
        Assert.Equal(1000, level.At.Megabytes);
        Assert.Equal(8, level.MaxDeviationPercent, 6);
    }

    [Fact]
    public void RssLevel_StreamShorterThanAMillion_LevelIsTheFirstSample()
    {
        var level = RssLevel.Of(Series((400, 300), (800, 270), (1200, 330)));

        Assert.Equal(400, level.At.Texts);
        Assert.Equal(10, level.MaxDeviationPercent, 6);
    }

    [Fact]
    public void RssLevel_NothingAfterTheLevel_NoDeviation()
    {
        var level = RssLevel.Of(Series((500_000, 700), (1_000_000, 900)));

        Assert.Equal(1_000_000, level.At.Texts);
        Assert.Equal(0, level.MaxDeviationPercent);
    }

    private static RssSample[] Series(params (long Texts, double Megabytes)[] points) =>
        points.Select((p, i) => new RssSample(p.Texts, i, p.Megabytes)).ToArray();
}
