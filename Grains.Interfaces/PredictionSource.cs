namespace PredictionCluster.Grains.Interfaces;

/// <summary>Which tier answered a prediction (observable for cache hit ratios).</summary>
[GenerateSerializer]
[Alias("prediction.source")]
public enum PredictionSource
{
    /// <summary>The grain activation already held the result.</summary>
    Memory = 0,

    /// <summary>The result came back from grain storage (Redis in cluster mode).</summary>
    Storage = 1,

    /// <summary>The model ran for it.</summary>
    Inference = 2,

    /// <summary>The API's near cache held it (no grain was called).</summary>
    NearCache = 3,
}
