namespace PredictionCluster.ServiceDefaults.Health;

/// <summary>
/// Health check tags: checks tagged ready gate <c>/health/ready</c>; checks tagged live gate <c>/health/live</c>
/// (a failing one means "restart this process").
/// </summary>
public static class HealthTags
{
    public const string Ready = "ready";

    public const string Live = "live";
}
