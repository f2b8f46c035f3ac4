using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Grains.Prediction;

namespace PredictionCluster.Api.Routing;

/// <summary>
/// Calls each text's PredictionGrain in parallel (<see cref="PredictionGrainCaller"/>: directly when the silo is
/// co-hosted, with retries for unreachable silos in a cluster). A grain that answers for another model (a rolling
/// upgrade) makes the API learn the model again and ask once more. A request's texts share one
/// <see cref="AdmissionTicket"/>: admitted whole or refused at once. Each answered text is counted once here, by the
/// tier that answered it, whatever the retries (<see cref="PredictionMetrics"/>).
/// </summary>
public sealed class GrainPredictionRouter(GrainReferenceFactory<IPredictionGrain> grains, ClusterModel model, PredictionGrainCaller caller, PredictionMetrics metrics) : IPredictionRouter
{

    public async ValueTask<(ModelDescriptor Model, PredictionResult[] Results)> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var current = model.Current ?? throw new ClusterUnavailableException("The model the cluster serves is not known yet (no silo has answered).");
        var results = await CallAllAsync(current, texts, cancellationToken);
        if (!HasMismatch(results))
        {
            Count(results);
            return (current, results);
        }

        model.Invalidate(current);
        var relearnt = await model.WaitForNewAsync(current, cancellationToken)
            ?? throw new ClusterUnavailableException($"The silos no longer serve model {current.ModelId}, and no silo has said which model they serve.");
        results = await CallAllAsync(relearnt, texts, cancellationToken);
        if (HasMismatch(results))
        {
            throw new ClusterUnavailableException("The silos serve more than one model (a rolling upgrade); the model for this request changed twice.");
        }
        Count(results);
        return (relearnt, results);
    }

    /// <summary>Counts the texts answered, by tier; a request refused or failed answers none.</summary>
    private void Count(PredictionResult[] results)
    {
        foreach (var result in results)
        {
            if (result.Status != PredictionStatus.Ok)
            {
                return;
            }
        }
        foreach (var result in results)
        {
            metrics.Record(result.Source);
        }
    }

    /// <summary>
    /// Calls every text's grain at once under one admission ticket, so the engine admits or refuses the request as a
    /// whole. As soon as one text is refused (Overloaded), the others are cancelled: the engine drops those not yet
    /// run, and every slot of the request reads Overloaded. Overloaded is passed through, never retried: a key's
    /// grain lives on one silo and infers on that silo's engine, so a repeat would only ask the full silo again.
    /// </summary>
    private async Task<PredictionResult[]> CallAllAsync(ModelDescriptor descriptor, IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var results = new PredictionResult[texts.Count];
        if (texts.Count == 1)
        {
            results[0] = await CallAsync(descriptor.ModelId, texts[0], AdmissionTicket.None, cancellationToken);
            return results;
        }
        var ticket = AdmissionTicket.ForRequest(texts.Count);
        using var refusal = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var calls = new Task<PredictionResult>[texts.Count];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = CallUntilRefusedAsync(descriptor.ModelId, texts[i], ticket, refusal);
        }
        PredictionResult? refused = null;
        for (int i = 0; i < calls.Length; i++)
        {
            try
            {
                results[i] = await calls[i];
            }
            catch (OperationCanceledException) when (refusal.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                continue; // cancelled because another text was refused: filled below
            }
            if (results[i].Status == PredictionStatus.Overloaded && (refused is null || results[i].RetryAfter > refused.Value.RetryAfter))
            {
                refused = results[i];
            }
        }
        if (refused is { } refusedResult)
        {
            Array.Fill(results, refusedResult);
        }
        return results;
    }

    private async Task<PredictionResult> CallUntilRefusedAsync(string modelId, string text, AdmissionTicket ticket, CancellationTokenSource refusal)
    {
        var result = await CallAsync(modelId, text, ticket, refusal.Token);
        if (result.Status == PredictionStatus.Overloaded)
        {
            // The request gets 503 whatever its other texts do: stop them now rather than compute answers nobody reads.
            await refusal.CancelAsync();
        }
        return result;
    }

    private async Task<PredictionResult> CallAsync(string modelId, string text, AdmissionTicket ticket, CancellationToken cancellationToken)
    {
        var grain = grains.Get(PredictionGrainKey.Format(modelId, PredictionKey.Compute(modelId, text)));
        try
        {
            return await caller.CallAsync(grain, text, ticket, cancellationToken);
        }
        catch (Exception e) when (GrainCallPipeline.IsTransient(e) && !cancellationToken.IsCancellationRequested)
        {
            throw caller.IsDirect
                ? new ClusterUnavailableException("The co-hosted silo is stopping.", e, title: "Service unavailable")
                : new ClusterUnavailableException("No silo answered within the retry budget.", e);
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
