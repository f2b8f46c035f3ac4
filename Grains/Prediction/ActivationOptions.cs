using System.ComponentModel.DataAnnotations;

namespace Grains.Prediction;

/// <summary>Bounds of the PredictionGrain activation table. Section <c>Activations</c>.</summary>
public sealed class ActivationOptions
{
    public const string SectionName = "Activations";

    /// <summary>Rough bytes one activation costs (grain, key, scores, table entry): turns the memory bound into a count.</summary>
    public const int EstimatedBytesPerActivation = 256;

    /// <summary>Activations at most.</summary>
    [Range(1, int.MaxValue)]
    public int MaxCount { get; set; } = 1_000_000;

    /// <summary>Memory the activations may hold, by <see cref="EstimatedBytesPerActivation"/>.</summary>
    [Range(1, 1 << 20)]
    public int MaxMemoryMegabytes { get; set; } = 256;

    /// <summary>An activation not asked for this long is collected.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The effective bound: the smaller of the count and the memory bound.</summary>
    public int Capacity => (int)Math.Min(MaxCount, (long)MaxMemoryMegabytes * 1024 * 1024 / EstimatedBytesPerActivation);
}
