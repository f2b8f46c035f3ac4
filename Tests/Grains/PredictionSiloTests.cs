using Grains.Inference.Batching;
using Grains.Interfaces;
using Grains.Prediction;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Grains;

public sealed class PredictionSiloTests : IClassFixture<EmbeddedApiFactory>
{
    private readonly IPredictionSilo _silo;
    private readonly InferenceMetrics _inference;
    private readonly PredictionMetrics _predictions;

    public PredictionSiloTests(EmbeddedApiFactory factory)
    {
        _silo = factory.Services.GetRequiredService<IPredictionSilo>();
        _inference = factory.Services.GetRequiredService<InferenceMetrics>();
        _predictions = factory.Services.GetRequiredService<PredictionMetrics>();
    }

    private PredictionItem Item(string text) => new(PredictionKey.Compute(_silo.Model.ModelId, text), text);

    [Fact]
    public async Task PredictAsync_HundredConcurrentAsksForOneNewText_RunOneInference()
    {
        var item = Item($"single flight {Guid.NewGuid()}");
        long before = _predictions.Count(PredictionSource.Inference);
        using var start = new ManualResetEventSlim();

        var asks = Enumerable.Range(0, 100).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            return await _silo.PredictAsync([item], CancellationToken.None);
        })).ToArray();
        start.Set();
        var results = await Task.WhenAll(asks);

        Assert.Equal(1, _predictions.Count(PredictionSource.Inference) - before);
        var first = results[0][0].Scores!;
        Assert.All(results, r => Assert.Equal(first, r[0].Scores));
    }

    [Fact]
    public async Task PredictAsync_SecondAsk_AnsweredFromMemory()
    {
        var item = Item($"asked twice {Guid.NewGuid()}");

        var first = await _silo.PredictAsync([item], CancellationToken.None);
        var second = await _silo.PredictAsync([item], CancellationToken.None);

        Assert.Equal(PredictionSource.Inference, first[0].Source);
        Assert.Equal(PredictionSource.Memory, second[0].Source);
        Assert.Same(first[0].Scores, second[0].Scores);
    }

    [Fact]
    public async Task PredictAsync_ManyItems_ResultsInItemOrder()
    {
        var texts = Sst2.DevSentences.Skip(300).Take(40).ToArray();
        var items = texts.Select(Item).ToArray();

        var together = await _silo.PredictAsync(items, CancellationToken.None);

        for (int i = 0; i < texts.Length; i++)
        {
            var alone = await _silo.PredictAsync([items[i]], CancellationToken.None);
            Assert.Equal(alone[0].Scores, together[i].Scores);
        }
    }

    [Fact]
    public async Task PredictAsync_CallerCancels_OthersStillAnswered()
    {
        var item = Item($"one caller leaves {Guid.NewGuid()}");
        using var leaves = new CancellationTokenSource();
        leaves.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await _silo.PredictAsync([item], leaves.Token));
        var stays = await _silo.PredictAsync([item], CancellationToken.None);

        Assert.Equal(PredictionStatus.Ok, stays[0].Status);
        Assert.NotNull(stays[0].Scores);
    }
}
