namespace Grains.Hosting;

/// <summary>Health check tags: checks tagged ready gate /health/ready; /health/live runs none (the process answers).</summary>
public static class HealthTags
{
    public const string Ready = "ready";
}
