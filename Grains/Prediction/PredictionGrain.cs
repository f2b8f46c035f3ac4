using System.Collections.Immutable;
using PredictionCluster.Inference.Model;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Grains.Placement;
using PredictionCluster.Grains.Storage;

namespace PredictionCluster.Grains.Prediction;

/// <summary>
/// The owner of one text's prediction: its state (the scores) is the cache entry, read from grain storage
/// on the first call and stored there after an inference. Calls are turn-based, so concurrent asks
/// for a new text wait for the one inference (single flight). Storage is a cache tier, never a dependency
/// (<see cref="PredictionStore"/>): a read that fails or does not answer within its budget is a miss, and the
/// write happens in the background after the answer.
/// </summary>
[ModelHashPlacement]
internal sealed class PredictionGrain(
    PredictionStore store,
    SentimentModel model,
    MemoryPressure memoryPressure,
    GrainReferenceFactory<IInferenceGrain> inferenceGrains) : Grain, IPredictionGrain
{
    /// <summary>The cached scores; default until known.</summary>
    private ImmutableArray<float> _scores;
    private bool _servesModel;
    private bool _storageRead;
    /// <summary>A <see cref="PredictAsync"/> call is in progress (calls are not reentrant: at most one).</summary>
    private bool _running;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        // Placement puts a grain on a silo of its key's model whenever one exists; during a rolling upgrade a
        // key of a model no silo serves any more can still land here, and must not get this model's scores.
        _servesModel = PredictionGrainKey.ModelIdOf(this.GetPrimaryKeyString()).SequenceEqual(model.ModelId);
        return Task.CompletedTask;
    }

    public async ValueTask<PredictionResult> PredictAsync(string text, AdmissionTicket ticket, CancellationToken cancellationToken)
    {
        if (!_scores.IsDefault)
        {
            return new PredictionResult(PredictionStatus.Ok, _scores, PredictionSource.Memory);
        }
        _running = true;
        try
        {
            return await ComputeAsync(text, ticket, cancellationToken);
        }
        finally
        {
            _running = false;
        }
    }

    /// <summary>The answer of a grain without scores in memory: from storage, or inferred.</summary>
    private async ValueTask<PredictionResult> ComputeAsync(string text, AdmissionTicket ticket, CancellationToken cancellationToken)
    {
        if (!_servesModel)
        {
            DeactivateOnIdle();
            return PredictionResult.OtherModel;
        }
        if (!_storageRead)
        {
            // Once per activation: a miss (or no answer) now is not asked again; the grain computes and keeps the scores.
            _storageRead = true;
            var stored = await store.ReadAsync(this.GetGrainId(), model.LabelCount);
            if (!stored.IsDefault)
            {
                _scores = stored;
                LeaveIfMemoryIsShort();
                return new PredictionResult(PredictionStatus.Ok, _scores, PredictionSource.Storage);
            }
        }

        var inferred = await inferenceGrains.Get(0).InferAsync(text, ticket, cancellationToken);
        if (inferred.Status != PredictionStatus.Ok)
        {
            // Overload is not cached: the next ask tries again, and an activation without scores holds nothing worth
            // its memory until then.
            DeactivateOnIdle();
            return inferred;
        }
        _scores = inferred.Scores;
        store.Save(this.GetGrainId(), _scores);
        LeaveIfMemoryIsShort();
        return inferred;
    }

    public ValueTask<bool> ProbeAsync() => ValueTask.FromResult(_running);

    /// <summary>Above the shedding level the answer is not kept in memory (the API's near cache and storage still have it).</summary>
    private void LeaveIfMemoryIsShort()
    {
        if (memoryPressure.IsHigh)
        {
            DeactivateOnIdle();
        }
    }
}
