using Orleans.Placement;

namespace PredictionCluster.Grains.Placement;

/// <summary>Marks a grain class for <see cref="ModelHashPlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ModelHashPlacementAttribute() : PlacementAttribute(ModelHashPlacement.Singleton);
