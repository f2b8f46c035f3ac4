namespace PredictionCluster.Inference.Model;

/// <summary>A model directory that cannot be served: missing, incomplete or corrupt. Stops startup.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
