namespace Api.Routing;

/// <summary>
/// The cluster cannot answer this request now (no silo answered within the retry budget, or the model is not
/// known yet): the API answers 503 with Retry-After.
/// </summary>
public sealed class ClusterUnavailableException(string message, Exception? innerException = null) : Exception(message, innerException);
