using Grains.Interfaces;
using Polly;
using Polly.Registry;

namespace Api.Routing;

/// <summary>
/// Calls each text's PredictionGrain in parallel through the retry pipeline (<see cref="GrainCallPipeline"/>),
/// the same way whether the silo is co-hosted (embedded) or the API is a client of a cluster. A grain that
/// answers for another model (a rolling upgrade) makes the API learn the model again and ask once more.
/// </summary>
public sealed class GrainPredictionRouter(IGrainFactory grains, ClusterModel model, ResiliencePipelineProvider<string> pipelines) : IPredictionRouter
{
    private readonly ResiliencePipeline _pipeline = pipelines.GetPipeline(GrainCallPipeline.Name);

    public async ValueTask<(ModelDescriptor Model, PredictionResult[] Results)> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var current = model.Current ?? throw new ClusterUnavailableException("The model the cluster serves is not known yet (no silo has answered).");
        var results = await CallAllAsync(current, texts, cancellationToken);
        if (!HasMismatch(results))
        {
            return (current, results);
        }

        model.Invalidate(current);
        var relearnt = await model.WaitForNewAsync(current, cancellationToken)
            ?? throw new ClusterUnavailableException($"The silos no longer serve model {current.ModelId}, and no silo has said which model they serve.");
        results = await CallAllAsync(relearnt, texts, cancellationToken);
        return HasMismatch(results)
            ? throw new ClusterUnavailableException("The silos serve more than one model (a rolling upgrade); the model for this request changed twice.")
            : (relearnt, results);
    }

    private async Task<PredictionResult[]> CallAllAsync(ModelDescriptor descriptor, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var results = new PredictionResult[texts.Count];
        if (texts.Count == 1)
        {
            results[0] = await CallAsync(descriptor.ModelId, texts[0], cancellationToken);
            return results;
        }
        var calls = new Task<PredictionResult>[texts.Count];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = CallAsync(descriptor.ModelId, texts[i], cancellationToken);
        }
        for (int i = 0; i < calls.Length; i++)
        {
            results[i] = await calls[i];
        }
        return results;
    }

    private async Task<PredictionResult> CallAsync(string modelId, string text, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IPredictionGrain>(PredictionGrainKey.Format(modelId, PredictionKey.Compute(modelId, text)));
        try
        {
            return await _pipeline.ExecuteAsync(static (state, attempt) =>
                // The grain gets the request's token, not the attempt's: an attempt given up on a slow silo
                // leaves the grain computing, so the repeat (queued behind it on that grain) finds the answer.
                new ValueTask<PredictionResult>(state.grain.PredictAsync(state.text, state.cancellationToken).AsTask().WaitAsync(attempt)),
                (grain, text, cancellationToken), cancellationToken);
        }
        catch (Exception e) when (GrainCallPipeline.IsTransient(e) && !cancellationToken.IsCancellationRequested)
        {
            throw new ClusterUnavailableException("No silo answered within the retry budget.", e);
        }
    }

    private static bool HasMismatch(PredictionResult[] results)
    {
        foreach (var result in results)
        {
            if (result.Status == PredictionStatus.ModelMismatch)
            {
                return true;
            }
        }
        return false;
    }
}
