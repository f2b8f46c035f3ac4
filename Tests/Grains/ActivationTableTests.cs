using Grains.Interfaces;
using Grains.Prediction;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Grains;

public sealed class ActivationTableTests
{
    [Fact]
    public async Task Activate_PastCapacity_CollectsLeastRecentAndStaysBounded()
    {
        const int capacity = 200;
        await using var factory = EmbeddedApiFactory.With(new Dictionary<string, string?> { ["Activations:MaxCount"] = capacity.ToString() });
        var silo = factory.Services.GetRequiredService<IPredictionSilo>();
        var table = factory.Services.GetRequiredService<ActivationTable>();

        var items = Enumerable.Range(0, 2000).Select(i => $"unique text number {i}").Select(t => new PredictionItem(PredictionKey.Compute(silo.Model.ModelId, t), t)).ToArray();
        foreach (var chunk in items.Chunk(100))
        {
            await silo.PredictAsync(chunk, CancellationToken.None);
        }
        table.Collect();

        Assert.InRange(table.Count, 1, capacity);
        Assert.True(table.Collected >= items.Length - capacity);
        Assert.True(table.IsActive(items[^1].Key), "the most recent key stays active");
    }

    [Fact]
    public async Task PredictAsync_AfterActivationCollected_ComesBackFromStorageWithoutInference()
    {
        await using var factory = EmbeddedApiFactory.With(new Dictionary<string, string?> { ["Activations:MaxCount"] = "10" });
        var silo = factory.Services.GetRequiredService<IPredictionSilo>();
        var table = factory.Services.GetRequiredService<ActivationTable>();
        var first = new PredictionItem(PredictionKey.Compute(silo.Model.ModelId, "remember me"), "remember me");

        var computed = await silo.PredictAsync([first], CancellationToken.None);
        var others = Enumerable.Range(0, 100).Select(i => $"filler {i}").Select(t => new PredictionItem(PredictionKey.Compute(silo.Model.ModelId, t), t)).ToArray();
        await silo.PredictAsync(others, CancellationToken.None);
        table.Collect();
        Assert.False(table.IsActive(first.Key));

        var again = await silo.PredictAsync([first], CancellationToken.None);

        Assert.Equal(PredictionSource.Inference, computed[0].Source);
        Assert.Equal(PredictionSource.Storage, again[0].Source);
        Assert.Equal(computed[0].Scores, again[0].Scores);
    }
}
