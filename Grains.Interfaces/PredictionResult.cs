namespace Grains.Interfaces;

/// <summary>
/// The outcome for one <see cref="PredictionItem"/>: softmax scores in the model's label order when
/// <see cref="Status"/> is <see cref="PredictionStatus.Ok"/>. The scores array is shared with the cache: never mutate it.
/// </summary>
public readonly record struct PredictionResult(PredictionStatus Status, float[]? Scores, PredictionSource Source)
{
    public static PredictionResult Overloaded { get; } = new(PredictionStatus.Overloaded, null, PredictionSource.Inference);
}
