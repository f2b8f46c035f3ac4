using Benchmarks;

namespace Tests.Benchmarks;

/// <summary>The batches engine-sst2 runs follow the service's limits and run every sentence exactly once.</summary>
public sealed class BatchFormerTests
{
    // A mix like SST-2's: mostly short, a long tail, and one text longer than a small token budget.
    private static readonly int[] Lengths = MakeLengths();

    [Theory]
    [InlineData(32, 8192)]
    [InlineData(8, 256)]
    [InlineData(5, 100)]
    [InlineData(1, 8192)]
    public void Arrival_RespectsLimitsKeepsOrderAndCoversEverySentenceOnce(int maxBatchSize, int maxBatchTokens)
    {
        var batches = BatchFormer.Form(Lengths, BatchingStrategy.Arrival, maxBatchSize, maxBatchTokens);

        AssertLimitsAndCoverage(batches, maxBatchSize, maxBatchTokens);
        Assert.Equal(Enumerable.Range(0, Lengths.Length), batches.SelectMany(b => b.Sentences));
    }

    [Theory]
    [InlineData(32, 8192)]
    [InlineData(8, 256)]
    [InlineData(5, 100)]
    public void Bucketed_RespectsLimitsSortsByLengthAndCoversEverySentenceOnce(int maxBatchSize, int maxBatchTokens)
    {
        var batches = BatchFormer.Form(Lengths, BatchingStrategy.Bucketed, maxBatchSize, maxBatchTokens);

        AssertLimitsAndCoverage(batches, maxBatchSize, maxBatchTokens);
        var lengthsInRunOrder = batches.SelectMany(b => b.Sentences).Select(i => Lengths[i]).ToArray();
        Assert.Equal(lengthsInRunOrder.Order(), lengthsInRunOrder);
    }

    [Fact]
    public void Bucketed_PadsNoMoreThanArrival()
    {
        long arrival = BatchFormer.Form(Lengths, BatchingStrategy.Arrival, 32, 8192).Sum(b => (long)b.PaddedTokens);
        long bucketed = BatchFormer.Form(Lengths, BatchingStrategy.Bucketed, 32, 8192).Sum(b => (long)b.PaddedTokens);

        Assert.True(bucketed < arrival, $"bucketed {bucketed} vs arrival {arrival} padded tokens");
        Assert.True(bucketed >= Lengths.Sum());
    }

    [Theory]
    [InlineData(5, 10)]
    [InlineData(4, 10)]
    [InlineData(32, 64)]
    public void Windowed_SortsEachWindowAndNeverMixesWindows(int maxBatchSize, int window)
    {
        var batches = BatchFormer.Form(Lengths, BatchingStrategy.Windowed, maxBatchSize, 8192, window);

        AssertLimitsAndCoverage(batches, maxBatchSize, 8192);
        Assert.All(batches, b => Assert.Single(b.Sentences.Select(i => i / window).Distinct()));
        foreach (var chunk in batches.SelectMany(b => b.Sentences).Chunk(window))
        {
            var lengths = chunk.Select(i => Lengths[i]).ToArray();
            Assert.Equal(lengths.Order(), lengths);
        }
    }

    [Fact]
    public void Windowed_PadsBetweenBucketedAndArrival()
    {
        long Padded(BatchingStrategy strategy) => BatchFormer.Form(Lengths, strategy, 5, 8192, window: 10).Sum(b => (long)b.PaddedTokens);

        Assert.True(Padded(BatchingStrategy.Bucketed) < Padded(BatchingStrategy.Windowed));
        Assert.True(Padded(BatchingStrategy.Windowed) < Padded(BatchingStrategy.Arrival));
    }

    [Fact]
    public void Single_RunsEachSentenceAloneWithoutPadding()
    {
        var batches = BatchFormer.Form(Lengths, BatchingStrategy.Single, 32, 8192);

        Assert.Equal(Lengths.Length, batches.Count);
        Assert.All(batches, b => Assert.Equal(b.RealTokens, b.PaddedTokens));
    }

    [Fact]
    public void Arrival_ClosesABatchWhenTheNewcomerWouldPassTheTokenBudget()
    {
        // 3 rows x 4 = 12 fits a budget of 12; a 4th row would make 4 x 5 = 20.
        var batches = BatchFormer.Form([4, 3, 4, 5, 2], BatchingStrategy.Arrival, 32, 12);

        Assert.Equal([[0, 1, 2], [3, 4]], batches.Select(b => b.Sentences));
        Assert.Equal([4, 5], batches.Select(b => b.Columns));
        Assert.Equal([11, 7], batches.Select(b => b.RealTokens));
    }

    private static void AssertLimitsAndCoverage(IReadOnlyList<PlannedBatch> batches, int maxBatchSize, int maxBatchTokens)
    {
        Assert.Equal(Enumerable.Range(0, Lengths.Length), batches.SelectMany(b => b.Sentences).Order());
        foreach (var batch in batches)
        {
            Assert.InRange(batch.Sentences.Length, 1, maxBatchSize);
            Assert.Equal(batch.Sentences.Max(i => Lengths[i]), batch.Columns);
            Assert.Equal(batch.Sentences.Sum(i => Lengths[i]), batch.RealTokens);
            // Only a text too long for the budget on its own may pass it, alone.
            Assert.True(batch.PaddedTokens <= maxBatchTokens || batch.Sentences.Length == 1,
                $"{batch.Sentences.Length} rows x {batch.Columns} > {maxBatchTokens}");
        }
    }

    private static int[] MakeLengths()
    {
        var random = new Random(7);
        var lengths = Enumerable.Range(0, 500).Select(_ => 3 + (int)(60 * Math.Pow(random.NextDouble(), 2))).ToArray();
        lengths[123] = 150;
        return lengths;
    }
}
