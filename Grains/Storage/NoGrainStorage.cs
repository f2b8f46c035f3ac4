using Orleans.Storage;

namespace PredictionCluster.Grains.Storage;

/// <summary>The grain storage of <see cref="StorageProvider.None"/>: reads find nothing, writes keep nothing.</summary>
internal sealed class NoGrainStorage : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => Task.CompletedTask;
}
