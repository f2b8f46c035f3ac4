using Grains.Inference.Model;
using Grains.Interfaces;
using Orleans.Concurrency;

namespace Grains.Inference;

/// <summary>Answers which model this silo serves; a stateless worker, so the silo that gets the call answers.</summary>
[StatelessWorker]
internal sealed class ModelGrain(SentimentModel model) : Grain, IModelGrain
{
    public ValueTask<ModelDescriptor> GetDescriptorAsync() => ValueTask.FromResult(model.Descriptor);
}
