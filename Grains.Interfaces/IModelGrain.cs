namespace PredictionCluster.Grains.Interfaces;

/// <summary>
/// Tells callers which model the silo it runs on serves: how the API learns the model id that goes into
/// every key, with no model file of its own. A stateless worker, so it answers on the silo it is called on.
/// </summary>
[Alias("model-grain")]
public interface IModelGrain : IGrainWithIntegerKey
{
    [Alias("get-descriptor")]
    ValueTask<ModelDescriptor> GetDescriptorAsync();
}
