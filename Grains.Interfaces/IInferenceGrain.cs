namespace PredictionCluster.Grains.Interfaces;

/// <summary>
/// A stateless worker, always local to its caller, that hands texts to the silo's batching engine.
/// Concurrent calls meet in one batch.
/// </summary>
[Alias("inference-grain")]
public interface IInferenceGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Scores one text of the request <paramref name="ticket"/> names. <see cref="PredictionStatus.Overloaded"/> (with
    /// <see cref="PredictionResult.RetryAfter"/>) when the engine refused the request: it would wait past the queueing
    /// budget (the caller reports it, never waits). A cancelled caller is dropped before its batch runs.
    /// </summary>
    [Alias("infer")]
    ValueTask<PredictionResult> InferAsync(string text, AdmissionTicket ticket, CancellationToken cancellationToken = default);
}
