using Grains.Interfaces;

namespace Api.Routing;

/// <summary>Embedded mode: the API co-hosts one silo, which owns every key; calls are in-process.</summary>
public sealed class EmbeddedPredictionRouter(IPredictionSilo silo) : IPredictionRouter
{
    public ModelDescriptor Model => silo.Model;

    public ValueTask<PredictionResult[]> PredictAsync(IReadOnlyList<PredictionItem> items, CancellationToken cancellationToken) =>
        silo.PredictAsync(items, cancellationToken);
}
