namespace Grains.Storage;

/// <summary>Where PredictionGrain state persists.</summary>
public enum StorageProvider
{
    /// <summary>This process's memory (embedded default): survives activations, not the process.</summary>
    Memory,

    /// <summary>Redis: survives silo restarts and moves of keys between silos.</summary>
    Redis,
}
