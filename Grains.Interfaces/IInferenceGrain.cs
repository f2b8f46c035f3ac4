namespace Grains.Interfaces;

/// <summary>
/// A stateless worker, always local to its caller, that hands texts to the silo's batching engine.
/// Concurrent calls meet in one batch.
/// </summary>
public interface IInferenceGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Scores one text. <see cref="PredictionStatus.Overloaded"/> when the engine's queue is full (the caller
    /// reports it, never waits). A cancelled caller is dropped before its batch runs.
    /// </summary>
    ValueTask<PredictionResult> InferAsync(string text, CancellationToken cancellationToken = default);
}
