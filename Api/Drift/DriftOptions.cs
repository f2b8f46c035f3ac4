using System.ComponentModel.DataAnnotations;

namespace PredictionCluster.Api.Drift;

/// <summary>
/// Prediction drift against the model's reference (section <c>Drift</c>): how many recent predictions the window
/// holds, how many it needs before it says anything, and the population stability index above which a warning is
/// logged. Only models whose directory carries a <c>reference.json</c> are watched.
/// </summary>
public sealed class DriftOptions : IValidatableObject
{
    public const string SectionName = "Drift";

    /// <summary>Recent predictions (answered texts) compared with the reference; the oldest drops out as one comes in.</summary>
    [Range(10, 10_000_000)]
    public int WindowSize { get; set; } = 1000;

    /// <summary>
    /// Predictions the window must hold before the gauges are exported and a warning can be logged: a handful of texts
    /// would give a large index by chance alone (the index of a sample of n has a bias of about (bins - 1) / n).
    /// </summary>
    [Range(1, 10_000_000)]
    public int MinimumSamples { get; set; } = 500;

    /// <summary>
    /// The index above which a warning is logged (per measure, label mix and score histogram). The usual reading:
    /// under 0.1 stable, 0.1-0.25 a moderate shift, over 0.25 a significant one.
    /// </summary>
    [Range(0.001, 100.0)]
    public double Threshold { get; set; } = 0.25;

    /// <summary>How often the window is compared against the threshold (the gauges are computed whenever they are read).</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinimumSamples > WindowSize)
        {
            yield return new ValidationResult($"{SectionName}:MinimumSamples ({MinimumSamples}) cannot exceed {SectionName}:WindowSize ({WindowSize}): the window never holds that many.",
                [nameof(MinimumSamples)]);
        }
        if (CheckInterval < TimeSpan.FromMilliseconds(10) || CheckInterval > TimeSpan.FromDays(1))
        {
            yield return new ValidationResult($"{SectionName}:CheckInterval ({CheckInterval}) must be between 10 ms and a day.", [nameof(CheckInterval)]);
        }
    }
}
