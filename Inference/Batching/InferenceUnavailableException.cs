namespace PredictionCluster.Inference.Batching;

/// <summary>
/// The inference engine has stopped after an internal error: every waiting and every later text fails with this at
/// once (rather than waiting for a batch that will never run) until the process is restarted.
/// </summary>
public sealed class InferenceUnavailableException(string message, Exception innerException) : Exception(message, innerException);
