using System.Collections.Immutable;
using PredictionCluster.Grains.Prediction;
using Microsoft.Extensions.Options;

namespace PredictionCluster.Grains.Storage;

/// <summary>
/// What a PredictionGrain sees of grain storage, a cache tier: a read that Redis does not answer within
/// <see cref="StorageOptions.ReadTimeout"/> (or that the open breaker does not send) is a miss, and a write is queued
/// for the background writer instead of awaited. With <see cref="StorageProvider.None"/> there is nothing to ask: every
/// read is a miss and nothing is queued.
/// </summary>
internal sealed class PredictionStore(GuardedGrainStorage storage, PredictionStorageWriter writer, StorageMetrics metrics, IOptions<StorageOptions> options)
{
    private readonly bool _stores = options.Value.Provider != StorageProvider.None;

    /// <summary><paramref name="grain"/>'s stored scores when Redis has them (as many as <paramref name="labelCount"/>), else default.</summary>
    public async ValueTask<ImmutableArray<float>> ReadAsync(GrainId grain, int labelCount)
    {
        if (!_stores)
        {
            return default;
        }
        // A state object of this read's own: if Redis answers after the budget, the late answer lands here and is
        // dropped, never over scores the grain has computed meanwhile.
        var state = new GrainState<PredictionState>();
        var outcome = await storage.ReadAsync(grain, state);
        if (outcome != StorageOutcome.Done)
        {
            metrics.RecordReadFailed(outcome);
            return default;
        }
        var scores = state.State?.Scores ?? default;
        return !scores.IsDefaultOrEmpty && scores.Length == labelCount ? scores : default;
    }

    /// <summary>Queues <paramref name="scores"/> to be stored as <paramref name="grain"/>'s; returns at once.</summary>
    public void Save(GrainId grain, ImmutableArray<float> scores)
    {
        if (_stores)
        {
            writer.TryEnqueue(grain, scores);
        }
    }
}
