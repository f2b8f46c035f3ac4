using PredictionCluster.Grains.Interfaces;
using Orleans.Runtime;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>
/// The hot path's references (<see cref="GrainReferenceFactory{TGrainInterface}"/>) are the references Orleans makes
/// (same grain, same interface), from the first call on and after it, for string and integer keys; and a grain reached
/// through one answers.
/// </summary>
public sealed class GrainReferenceFactoryTests
{
    [Fact]
    public async Task References_AreOrleansOwn_AndReachTheirGrains()
    {
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 2);
        await cluster.StartRouterAsync();
        var predictionGrains = new GrainReferenceFactory<IPredictionGrain>(cluster.Client);
        var modelGrains = new GrainReferenceFactory<IModelGrain>(cluster.Client);

        foreach (string key in new[] { "first/0a", "second/1b", "third/2c" })
        {
            AssertSame(cluster.Client.GetGrain<IPredictionGrain>(key), predictionGrains.Get(key));
        }
        foreach (long key in new[] { 0L, 7L, -3L })
        {
            AssertSame(cluster.Client.GetGrain<IModelGrain>(key), modelGrains.Get(key));
        }

        var descriptor = await modelGrains.Get(0).GetDescriptorAsync();
        Assert.Equal(cluster.Model.Current!.ModelId, descriptor.ModelId);
        string text = $"a reference factory test {Guid.NewGuid()}";
        string grainKey = PredictionGrainKey.Format(descriptor.ModelId, PredictionKey.Compute(descriptor.ModelId, text));
        var result = await predictionGrains.Get(grainKey).PredictAsync(text, AdmissionTicket.None, CancellationToken.None);
        Assert.Equal(PredictionStatus.Ok, result.Status);
        Assert.Equal(descriptor.Labels.Count, result.Scores.Length);
    }

    private static void AssertSame(IAddressable expected, IAddressable actual)
    {
        var (orleans, ours) = ((GrainReference)expected, (GrainReference)actual);
        Assert.Equal(orleans.GrainId, ours.GrainId);
        Assert.Equal(orleans.InterfaceType, ours.InterfaceType);
        Assert.Equal(orleans, ours);
    }
}
