using Grains.Interfaces;
using Inference.Model;
using Orleans.Concurrency;

namespace Grains.Inference;

/// <summary>Answers which model this silo serves; a stateless worker, so the silo that gets the call answers.</summary>
[StatelessWorker]
internal sealed class ModelGrain(SentimentModel model) : Grain, IModelGrain
{
    private readonly ModelDescriptor _descriptor = new(model.ModelId, model.Labels, model.MaxTokens);

    public ValueTask<ModelDescriptor> GetDescriptorAsync() => ValueTask.FromResult(_descriptor);
}
