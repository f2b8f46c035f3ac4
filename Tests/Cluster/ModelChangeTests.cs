using PredictionCluster.Inference.Model;
using PredictionCluster.Grains.Interfaces;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>
/// A rolling upgrade: silos of two models in one cluster. A key carries its model id; its grain is placed only
/// on a silo serving that model, and a key no silo's model matches is refused rather than answered by another model.
/// </summary>
public sealed class ModelChangeTests
{
    [Fact]
    public async Task TwoModelsInOneCluster_EachKeyIsComputedOnlyBySilosOfItsModel()
    {
        // The same files truncated at another length are another model: another id, other answers for long texts.
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 2,
            perSilo: index => index == 1 ? new Dictionary<string, string?> { ["Model:MaxTokens"] = "64" } : null);
        await cluster.WaitForSiloMetadataAsync();
        var silos = cluster.Cluster.GetActiveSilos().ToList();
        var models = silos.Select(silo => cluster.ServicesOf(silo).GetRequiredService<SentimentModel>().ModelId).ToList();
        Assert.NotEqual(models[0], models[1]);

        for (int s = 0; s < silos.Count; s++)
        {
            string modelId = models[s];
            var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
            {
                string text = $"model {s} text {i} {Guid.NewGuid()}";
                var grain = cluster.Client.GetGrain<IPredictionGrain>(PredictionGrainKey.Format(modelId, PredictionKey.Compute(modelId, text)));
                return grain.PredictAsync(text, AdmissionTicket.None).AsTask();
            }));
            Assert.All(results, result => Assert.Equal(PredictionStatus.Ok, result.Status));
            Assert.Equal(100, cluster.Inferences(silos[s]));
        }
    }

    [Fact]
    public async Task KeyOfAModelNoSiloServes_IsRefused_NotAnsweredByAnotherModel()
    {
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 2);
        const string retired = "0000000000000000";
        string text = "keyed for a retired model";

        var result = await cluster.Client.GetGrain<IPredictionGrain>(PredictionGrainKey.Format(retired, PredictionKey.Compute(retired, text))).PredictAsync(text, AdmissionTicket.None);

        Assert.Equal(PredictionStatus.ModelMismatch, result.Status);
        Assert.True(result.Scores.IsDefault);
        Assert.Equal(0, cluster.Inferences());
    }

    [Fact]
    public async Task AfterEverySiloWasUpgraded_TheRouterLearnsTheNewModelAndAnswers()
    {
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 1,
            perSilo: index => index >= 1 ? new Dictionary<string, string?> { ["Model:MaxTokens"] = "64" } : null);
        await cluster.StartRouterAsync();
        string oldModel = cluster.Model.Current!.ModelId;

        // Roll: a silo of the new model joins, the old one leaves.
        var upgraded = await cluster.Cluster.StartAdditionalSiloAsync();
        await cluster.Cluster.StopSiloAsync(cluster.Cluster.Silos[0]);
        string newModel = cluster.ServicesOf(upgraded).GetRequiredService<SentimentModel>().ModelId;
        Assert.NotEqual(oldModel, newModel);

        var (model, results) = await cluster.Router.PredictAsync(["a text after the upgrade"], CancellationToken.None);

        Assert.Equal(newModel, model.ModelId);
        Assert.Equal(PredictionStatus.Ok, results[0].Status);
        Assert.Equal(newModel, cluster.Model.Current!.ModelId);
    }
}
