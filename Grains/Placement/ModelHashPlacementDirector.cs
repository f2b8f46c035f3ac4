using System.Text;
using PredictionCluster.Grains.Interfaces;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace PredictionCluster.Grains.Placement;

/// <summary>
/// Chooses a silo for a new PredictionGrain. Candidates are the silos whose metadata names the model id in the
/// grain's key (<see cref="SiloModelMetadata.Key"/>), so during a rolling upgrade a key is never computed by a
/// silo of another model; when none serves it, any silo (the grain then refuses, and the API learns the model
/// again). Among candidates, the highest rendezvous score of (grain, silo) wins. Measured before this: the
/// default resource-optimised placement put 64 of 64 new grains on one of two silos.
/// </summary>
internal sealed class ModelHashPlacementDirector(ISiloMetadataCache siloMetadata) : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var silos = context.GetCompatibleSilos(target);
        string modelId = ModelIdOf(target.GrainIdentity);
        ulong grainHash = target.GrainIdentity.GetUniformHashCode();

        SiloAddress? best = null, bestAny = null;
        ulong bestScore = 0, bestAnyScore = 0;
        foreach (var silo in silos)
        {
            ulong score = Mix(grainHash, (uint)silo.GetConsistentHashCode());
            if (bestAny is null || score > bestAnyScore)
            {
                (bestAny, bestAnyScore) = (silo, score);
            }
            if ((best is null || score > bestScore) && Serves(silo, modelId))
            {
                (best, bestScore) = (silo, score);
            }
        }
        return Task.FromResult(best ?? bestAny ?? throw new OrleansException($"No silo is compatible with grain {target.GrainIdentity}."));
    }

    private bool Serves(SiloAddress silo, string modelId) =>
        siloMetadata.GetSiloMetadata(silo).Metadata.TryGetValue(SiloModelMetadata.Key, out var served) && served == modelId;

    private static string ModelIdOf(GrainId grainId)
    {
        var key = grainId.Key.AsSpan();
        int separator = key.IndexOf((byte)PredictionGrainKey.Separator);
        return separator < 0 ? "" : Encoding.UTF8.GetString(key[..separator]);
    }

    // SplitMix64 finaliser over the pair: a well-mixed score per (grain, silo), so each silo wins ~1/N of keys.
    private static ulong Mix(ulong grain, uint silo)
    {
        ulong z = (grain << 32 | silo) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
