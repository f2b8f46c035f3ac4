using Grains.Inference.Model;
using Grains.Interfaces;
using Grains.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grains.Prediction;

/// <summary>
/// Routes each item of a call to the PredictionGrain activation that owns its key. Answers from the
/// activation's state; keys with no state are read from storage in one batch; what is still missing
/// goes to the InferenceGrain, and new results are written back to storage in one batch.
/// </summary>
public sealed partial class PredictionSilo(
    ActivationTable activations,
    IPredictionStore store,
    IInferenceGrain inference,
    SentimentModel model,
    PredictionMetrics metrics,
    IHostApplicationLifetime lifetime,
    ILogger<PredictionSilo> logger) : IPredictionSilo
{
    public ModelDescriptor Model => model.Descriptor;

    public async ValueTask<PredictionResult[]> PredictAsync(IReadOnlyList<PredictionItem> items, CancellationToken cancellationToken)
    {
        var results = new PredictionResult[items.Count];
        List<(int Index, Task<PredictionResult> Task)>? waits = null;
        List<(PredictionGrain Grain, string Text, PendingPrediction Pending)>? owned = null;

        for (int i = 0; i < items.Count; i++)
        {
            var grain = activations.Activate(items[i].Key);
            var scores = grain.Resolve(out var pending, out bool owner);
            if (scores is not null)
            {
                results[i] = new PredictionResult(PredictionStatus.Ok, scores, PredictionSource.Memory);
                metrics.Record(PredictionSource.Memory);
                continue;
            }
            if (owner)
            {
                (owned ??= []).Add((grain, items[i].Text, pending!));
            }
            (waits ??= []).Add((i, pending!.WaitAsync(cancellationToken)));
        }

        if (owned is not null)
        {
            // Driven independently of this caller: other callers may have joined these computations.
            _ = ResolveAsync(owned);
        }
        if (waits is not null)
        {
            foreach (var (index, task) in waits)
            {
                results[index] = await task.ConfigureAwait(false);
            }
        }
        return results;
    }

    /// <summary>Completes every owned grain, whatever happens: storage first (one read), then inference.</summary>
    private async Task ResolveAsync(List<(PredictionGrain Grain, string Text, PendingPrediction Pending)> owned)
    {
        try
        {
            var stored = await ReadStoredAsync(owned).ConfigureAwait(false);
            var inferred = new List<Task<(PredictionGrain Grain, float[]? Scores)>>();
            for (int i = 0; i < owned.Count; i++)
            {
                var (grain, text, pending) = owned[i];
                if (stored[i] is { } scores)
                {
                    metrics.Record(PredictionSource.Storage);
                    grain.Complete(pending, new PredictionResult(PredictionStatus.Ok, scores, PredictionSource.Storage));
                    continue;
                }
                inferred.Add(InferAsync(grain, text, pending));
            }
            if (inferred.Count == 0)
            {
                return;
            }

            var fresh = new List<KeyValuePair<PredictionKey, float[]>>(inferred.Count);
            foreach (var task in inferred)
            {
                var (grain, scores) = await task.ConfigureAwait(false);
                if (scores is not null)
                {
                    fresh.Add(KeyValuePair.Create(grain.Key, scores));
                }
            }
            if (fresh.Count > 0)
            {
                await WriteStoredAsync(fresh).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            foreach (var (grain, _, pending) in owned)
            {
                grain.Fail(pending, e);
            }
        }
    }

    private async Task<(PredictionGrain, float[]?)> InferAsync(PredictionGrain grain, string text, PendingPrediction pending)
    {
        try
        {
            var scores = await inference.InferAsync(text, pending.Abandoned).ConfigureAwait(false);
            if (scores is null)
            {
                grain.Complete(pending, PredictionResult.Overloaded);
                return (grain, null);
            }
            metrics.Record(PredictionSource.Inference);
            grain.Complete(pending, new PredictionResult(PredictionStatus.Ok, scores, PredictionSource.Inference));
            return (grain, scores);
        }
        catch (Exception e)
        {
            grain.Fail(pending, e);
            return (grain, null);
        }
    }

    private async Task<float[]?[]> ReadStoredAsync(List<(PredictionGrain Grain, string Text, PendingPrediction Pending)> owned)
    {
        var keys = new PredictionKey[owned.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = owned[i].Grain.Key;
        }
        try
        {
            return await store.ReadManyAsync(keys, lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Storage is a cache tier: when it fails, the model still answers.
            LogStorageReadFailed(e, keys.Length);
            return new float[]?[keys.Length];
        }
    }

    private async Task WriteStoredAsync(List<KeyValuePair<PredictionKey, float[]>> fresh)
    {
        try
        {
            await store.WriteManyAsync(fresh, lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogStorageWriteFailed(e, fresh.Count);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage read of {Count} key(s) failed; answering from inference")]
    private partial void LogStorageReadFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Storage write of {Count} result(s) failed; they stay in memory only")]
    private partial void LogStorageWriteFailed(Exception exception, int count);
}
