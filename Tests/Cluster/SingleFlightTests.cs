using PredictionCluster.Grains.Interfaces;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>Turn-based PredictionGrains: concurrent asks for one new text share one inference.</summary>
public sealed class SingleFlightTests
{
    [Fact]
    public async Task HundredConcurrentCallers_OfOneNewKey_CauseOneInference()
    {
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 2);
        await cluster.StartRouterAsync();
        string text = $"single flight {Guid.NewGuid()}";
        long before = cluster.Inferences();

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => Task.Run(() => cluster.GrainOf(text).PredictAsync(text, AdmissionTicket.None).AsTask())));

        Assert.Equal(1, cluster.Inferences() - before);
        Assert.All(results, result => Assert.Equal(PredictionStatus.Ok, result.Status));
        Assert.Single(results.Select(result => string.Join(',', result.Scores)).Distinct());
        Assert.Equal(1, results.Count(result => result.Source == PredictionSource.Inference));
    }
}
