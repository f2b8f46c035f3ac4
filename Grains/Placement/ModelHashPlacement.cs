namespace PredictionCluster.Grains.Placement;

/// <summary>
/// Places a PredictionGrain on a silo serving its key's model, chosen by rendezvous hashing of the grain id:
/// keys spread evenly, and a joining or leaving silo moves only its own share. See <see cref="ModelHashPlacementDirector"/>.
/// </summary>
[GenerateSerializer]
[Alias("prediction.model-hash-placement")]
public sealed class ModelHashPlacement : PlacementStrategy
{
    internal static ModelHashPlacement Singleton { get; } = new();
}
