namespace PredictionCluster.Api.Routing;

/// <summary>
/// The cluster cannot answer this request now (no silo answered within the retry budget, or the model is not
/// known yet; embedded: the co-hosted silo is stopping): the API answers 503 with Retry-After and <see cref="Title"/>.
/// </summary>
public sealed class ClusterUnavailableException(string message, Exception? innerException = null, string title = "Cluster unavailable")
    : Exception(message, innerException)
{
    public string Title { get; } = title;
}
