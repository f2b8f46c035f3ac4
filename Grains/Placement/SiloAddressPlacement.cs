namespace Grains.Placement;

/// <summary>
/// Places a grain on the silo its string key names (a <see cref="SiloAddress"/> in its parsable form), for grains
/// that stand for one silo. See <see cref="SiloAddressPlacementDirector"/>.
/// </summary>
[GenerateSerializer]
[Alias("prediction.silo-address-placement")]
public sealed class SiloAddressPlacement : PlacementStrategy
{
    internal static SiloAddressPlacement Singleton { get; } = new();
}
