using PredictionCluster.Inference.Batching;

namespace Tests.Grains;

public sealed class SoftmaxTests
{
    [Theory]
    [InlineData(float.PositiveInfinity, 0f)]
    [InlineData(float.NegativeInfinity, 0f)]
    [InlineData(float.NaN, 1f)]
    [InlineData(float.PositiveInfinity, float.NegativeInfinity)]
    public void TryCompute_NonFiniteLogit_Refuses(float first, float second)
    {
        Assert.False(Softmax.TryCompute([first, second], out _));
    }

    [Theory]
    [InlineData(3e38f, -3e38f)]
    [InlineData(float.MaxValue, float.MaxValue)]
    [InlineData(-float.MaxValue, float.MaxValue)]
    [InlineData(1000f, 999f)]
    public void TryCompute_ExtremeFiniteLogits_FiniteScoresSummingToOne(float first, float second)
    {
        Assert.True(Softmax.TryCompute([first, second], out var scores));

        Assert.All(scores, s => Assert.True(float.IsFinite(s) && s >= 0 && s <= 1, $"score {s}"));
        Assert.Equal(1f, scores.Sum(), 1e-6f);
    }

    [Fact]
    public void TryCompute_OrdinaryLogits_MatchesTheDefinition()
    {
        Assert.True(Softmax.TryCompute([1f, 2f, 3f], out var scores));

        double sum = Math.Exp(1) + Math.Exp(2) + Math.Exp(3);
        Assert.Equal(Math.Exp(1) / sum, scores[0], 1e-6);
        Assert.Equal(Math.Exp(3) / sum, scores[2], 1e-6);
    }
}
