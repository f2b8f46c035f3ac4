namespace Grains.Interfaces;

/// <summary>
/// The silo's entry point for predictions: the contract of the internal endpoint the API calls.
/// Each item is routed to the PredictionGrain that owns its key on this silo.
/// </summary>
public interface IPredictionSilo
{
    /// <summary>The model this silo serves.</summary>
    ModelDescriptor Model { get; }

    /// <summary>Scores every item; results are in item order. Items must have distinct keys.</summary>
    ValueTask<PredictionResult[]> PredictAsync(IReadOnlyList<PredictionItem> items, CancellationToken cancellationToken);
}
