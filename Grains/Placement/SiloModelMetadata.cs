namespace PredictionCluster.Grains.Placement;

/// <summary>The silo metadata entry that names the model a silo serves (read by <see cref="ModelHashPlacementDirector"/>).</summary>
public static class SiloModelMetadata
{
    public const string Key = "prediction.model-id";
}
