namespace PredictionCluster.Grains.Hosting;

/// <summary>The grain storage PredictionGrains persist their scores in, named for its role.</summary>
public static class PredictionStorage
{
    public const string Name = "predictions";
}
