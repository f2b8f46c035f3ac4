using Grains.Interfaces;

namespace Api.Routing;

/// <summary>
/// Sends each item to the silo that owns its key and returns the results in item order. Embedded mode
/// has one silo in this process; cluster mode routes by rendezvous hashing over live members.
/// </summary>
public interface IPredictionRouter
{
    /// <summary>The model the cluster serves (its id is part of every key).</summary>
    ModelDescriptor Model { get; }

    ValueTask<PredictionResult[]> PredictAsync(IReadOnlyList<PredictionItem> items, CancellationToken cancellationToken);
}
