using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Inference;
using PredictionCluster.Inference.Batching;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>
/// A silo's Overloaded answer goes straight back to the caller: the API's router never asks again (a key's grain
/// infers on its own silo's engine, so a repeat would only ask the full silo again and feed a retry storm).
/// </summary>
public sealed class OverloadPassThroughTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Router_SiloRefusesAText_OverloadedPassedThroughAfterOneAsk()
    {
        // One worker and room for one text per silo: once a blocked batch holds it, every new text is refused.
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 2, perSilo: _ => new Dictionary<string, string?>
        {
            ["Inference:Workers"] = "1",
            ["Inference:QueueCapacity"] = "1",
        });
        await cluster.StartRouterAsync();
        await cluster.WaitForSiloMetadataAsync();
        var engines = cluster.Cluster.Silos.Select(silo => cluster.ServicesOf(silo).GetRequiredService<InferenceEngine>()).ToArray();
        var metrics = cluster.Cluster.Silos.Select(silo => cluster.ServicesOf(silo).GetRequiredService<InferenceMetrics>()).ToArray();
        var gates = engines.Select(engine => new WorkerGate(engine)).ToArray();
        try
        {
            // Texts until each silo's only worker is held by one of them (keys spread by hash over both silos).
            var occupiers = new List<Task>();
            for (int i = 0; i < 200 && !gates.All(g => g.Entered.IsCompleted); i++)
            {
                occupiers.Add(cluster.Router.PredictAsync([$"occupy {i} {Guid.NewGuid()}"], CancellationToken.None).AsTask());
                await Task.WhenAny(Task.WhenAll(gates.Select(g => g.Entered)), Task.Delay(100));
            }
            await Task.WhenAll(gates.Select(g => g.Entered)).WaitAsync(Prompt);
            // Every occupier but the two held has been answered (refused), so the counts below move only for the probe.
            await WaitUntil.TrueAsync(() => occupiers.Count(t => !t.IsCompleted) == gates.Length, Prompt, "the refused occupiers to be answered");
            long rejectedBefore = metrics.Sum(m => m.RejectedCount);

            var (_, results) = await cluster.Router.PredictAsync([$"probe {Guid.NewGuid()}"], CancellationToken.None).AsTask().WaitAsync(Prompt);

            Assert.Equal(PredictionStatus.Overloaded, results[0].Status);
            Assert.True(results[0].RetryAfter >= TimeSpan.FromSeconds(1));
            Assert.Equal(rejectedBefore + 1, metrics.Sum(m => m.RejectedCount));
        }
        finally
        {
            foreach (var gate in gates)
            {
                gate.Dispose();
            }
        }
    }
}
