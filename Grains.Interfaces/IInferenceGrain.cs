namespace Grains.Interfaces;

/// <summary>A stateless worker that runs the model on texts, batching concurrent calls.</summary>
public interface IInferenceGrain
{
    /// <summary>
    /// Scores one text. Returns null when the queue is full (overload): the caller reports it, never waits.
    /// A cancelled caller is dropped before its batch runs.
    /// </summary>
    ValueTask<float[]?> InferAsync(string text, CancellationToken cancellationToken);
}
