using PredictionCluster.Grains.Interfaces;

namespace PredictionCluster.Api.Routing;

/// <summary>Asks the PredictionGrain of each text for its scores; results come back in text order.</summary>
public interface IPredictionRouter
{
    /// <summary>
    /// Scores distinct texts under the cluster's model (returned with the results: its labels name the scores).
    /// Throws <see cref="ClusterUnavailableException"/> when the cluster cannot answer in time.
    /// </summary>
    ValueTask<(ModelDescriptor Model, PredictionResult[] Results)> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
