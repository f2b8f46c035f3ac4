using Orleans.Placement;

namespace Grains.Placement;

/// <summary>Marks a grain class for <see cref="SiloAddressPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SiloAddressPlacementAttribute() : PlacementAttribute(SiloAddressPlacement.Singleton);
