using PredictionCluster.Grains.Interfaces;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>
/// Above Orleans' shedding level a PredictionGrain leaves memory once it has answered, so a flood of new keys cannot
/// outrun the shedding; below it the grain stays and answers the next ask from memory.
/// </summary>
public sealed class MemoryPressureTests
{
    [Fact]
    public async Task AboveTheSheddingLevel_AnsweredKeysAreNotKept()
    {
        // Any process is above 0.01 % of this machine's memory.
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 1, modelPath: RepositoryPaths.LexiconModel, perSilo: _ => new Dictionary<string, string?>
        {
            ["Orleans:GrainCollection:MemoryUsageLimitPercentage"] = "0.01",
            ["Orleans:GrainCollection:MemoryUsageTargetPercentage"] = "0.005",
        });
        await cluster.StartRouterAsync();

        var sources = await AskTwiceAsync(cluster, $"memory pressure {Guid.NewGuid()}");

        Assert.Equal([PredictionSource.Inference, PredictionSource.Inference], sources);
    }

    [Fact]
    public async Task BelowTheSheddingLevel_TheNextAskIsAnsweredFromMemory()
    {
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 1, modelPath: RepositoryPaths.LexiconModel);
        await cluster.StartRouterAsync();

        var sources = await AskTwiceAsync(cluster, $"no memory pressure {Guid.NewGuid()}");

        Assert.Equal([PredictionSource.Inference, PredictionSource.Memory], sources);
    }

    private static async Task<PredictionSource[]> AskTwiceAsync(PredictionTestCluster cluster, string text)
    {
        var first = await cluster.GrainOf(text).PredictAsync(text, AdmissionTicket.None);
        var second = await cluster.GrainOf(text).PredictAsync(text, AdmissionTicket.None);
        Assert.Equal(PredictionStatus.Ok, first.Status);
        Assert.Equal(first.Scores.ToArray(), second.Scores.ToArray());
        return [first.Source, second.Source];
    }
}
