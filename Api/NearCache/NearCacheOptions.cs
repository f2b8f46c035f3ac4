using System.ComponentModel.DataAnnotations;

namespace PredictionCluster.Api.NearCache;

/// <summary>The API's own bounded cache of recent predictions (section <c>NearCache</c>).</summary>
public sealed class NearCacheOptions
{
    public const string SectionName = "NearCache";

    /// <summary>
    /// Predictions kept at most (about 110 bytes each: 100,000 cost ~11 MB); 0 turns the near cache off and
    /// every text goes to its PredictionGrain.
    /// </summary>
    [Range(0, 10_000_000)]
    public int Capacity { get; set; } = 100_000;
}
