using PredictionCluster.Grains.Interfaces;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>Where PredictionGrains live: spread evenly over silos, and a joining silo takes a share of new keys.</summary>
public sealed class PlacementTests
{
    [Fact]
    public async Task NewKeys_SpreadOverThreeSilos_EachHoldsAQuarterToTwoFifths()
    {
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 3);
        await cluster.StartRouterAsync();
        await cluster.WaitForSiloMetadataAsync();

        const int keys = 10_000;
        await PredictAllAsync(cluster, Enumerable.Range(0, keys).Select(i => $"spread {i} {Guid.NewGuid()}"));

        var shares = cluster.Cluster.GetActiveSilos().Select(silo => cluster.Inferences(silo) / (double)keys).ToList();
        Assert.Equal(1.0, shares.Sum(), 3);
        Assert.All(shares, share => Assert.InRange(share, 0.25, 0.42));
    }

    [Fact]
    public async Task JoiningSilo_TakesAShareOfNewKeys()
    {
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 2);
        await cluster.StartRouterAsync();
        await PredictAllAsync(cluster, Enumerable.Range(0, 200).Select(i => $"before join {i} {Guid.NewGuid()}"));

        var joined = await cluster.Cluster.StartAdditionalSiloAsync();
        await cluster.WaitForSiloMetadataAsync();
        await cluster.Cluster.WaitForLivenessToStabilizeAsync();
        const int keys = 3_000;
        await PredictAllAsync(cluster, Enumerable.Range(0, keys).Select(i => $"after join {i} {Guid.NewGuid()}"));

        double share = cluster.Inferences(joined) / (double)keys;
        Assert.InRange(share, 0.2, 0.5);
    }

    private static async Task PredictAllAsync(PredictionTestCluster cluster, IEnumerable<string> texts)
    {
        foreach (var chunk in texts.Chunk(100))
        {
            var (_, results) = await cluster.Router.PredictAsync(chunk, CancellationToken.None);
            Assert.All(results, result => Assert.Equal(PredictionStatus.Ok, result.Status));
        }
    }
}
