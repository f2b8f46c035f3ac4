using Grains.Interfaces;

namespace Grains.Storage;

/// <summary>
/// Where PredictionGrain state persists beyond an activation (memory in embedded mode, Redis in a cluster).
/// Calls take many keys at once so a store can answer a whole request in one round trip.
/// </summary>
public interface IPredictionStore
{
    /// <summary>Scores per key in key order; null where the store has none.</summary>
    ValueTask<float[]?[]> ReadManyAsync(IReadOnlyList<PredictionKey> keys, CancellationToken cancellationToken);

    /// <summary>Stores every entry; last writer wins (a key's scores never change for one model).</summary>
    ValueTask WriteManyAsync(IReadOnlyList<KeyValuePair<PredictionKey, float[]>> entries, CancellationToken cancellationToken);
}
