using System.Collections.Immutable;

namespace PredictionCluster.Grains.Interfaces;

/// <summary>
/// The outcome of one prediction: softmax scores in the model's label order when <see cref="Status"/> is
/// <see cref="PredictionStatus.Ok"/>. Expected outcomes (overload, another model) are values, not exceptions.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("prediction.result")]
public readonly record struct PredictionResult(
    [property: Id(0)] PredictionStatus Status,
    [property: Id(1)] ImmutableArray<float> Scores,
    [property: Id(2)] PredictionSource Source)
{
    /// <summary>When <see cref="Status"/> is <see cref="PredictionStatus.Overloaded"/>: how long the work ahead is expected to take.</summary>
    [Id(3)]
    public TimeSpan RetryAfter { get; init; }

    /// <summary>When the model ran for it (<see cref="PredictionSource.Inference"/>): its wait in the engine's queue.</summary>
    [Id(4)]
    public TimeSpan Queued { get; init; }

    /// <summary>When the model ran for it: the run of the batch it was part of.</summary>
    [Id(5)]
    public TimeSpan Inference { get; init; }

    /// <summary>The engine refused the text's request (see <see cref="PredictionStatus.Overloaded"/>).</summary>
    public static PredictionResult Overloaded(TimeSpan retryAfter) => new(PredictionStatus.Overloaded, default, PredictionSource.Inference) { RetryAfter = retryAfter };

    public static PredictionResult OtherModel { get; } = new(PredictionStatus.ModelMismatch, default, PredictionSource.Memory);
}
