namespace PredictionCluster.Inference.Batching;

/// <summary>
/// The model could not score a text: a fault of the model or the runtime, not of the caller, and never cached
/// (the next ask runs the model again). The engine keeps serving other texts.
/// </summary>
public sealed class InferenceFailedException(InferenceFailure reason, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public InferenceFailure Reason { get; } = reason;
}
