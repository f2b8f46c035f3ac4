namespace PredictionCluster.Grains.Storage;

/// <summary>Where PredictionGrain state persists.</summary>
public enum StorageProvider
{
    /// <summary>
    /// Nowhere (embedded default): the activations and the API's near cache are the process's cache tiers, both
    /// bounded. A second copy in the same process would only grow: Orleans' memory storage keeps every entry for the
    /// process's life.
    /// </summary>
    None,

    /// <summary>Redis: survives silo restarts and moves of keys between silos.</summary>
    Redis,
}
