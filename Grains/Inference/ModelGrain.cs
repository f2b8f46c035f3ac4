using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Model;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;

namespace PredictionCluster.Grains.Inference;

/// <summary>Answers which model this silo serves; a stateless worker, so the silo that gets the call answers.</summary>
[StatelessWorker]
internal sealed class ModelGrain(SentimentModel model, IOptions<InferenceOptions> inference) : Grain, IModelGrain
{
    private readonly ModelDescriptor _descriptor = new(model.ModelId, model.Labels, model.MaxTokens,
        inference.Value.MaxBatchSize, inference.Value.MaxBatchTokens,
        model.Directory.Reference is { } reference ? new ModelReference(reference.LabelCounts, reference.ScoreBounds, reference.ScoreCounts) : null);

    public ValueTask<ModelDescriptor> GetDescriptorAsync() => ValueTask.FromResult(_descriptor);
}
