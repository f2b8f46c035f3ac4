using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PredictionCluster.Grains.Hosting;

/// <summary>Readiness: healthy once the model is loaded and warmed up, unhealthy while starting.</summary>
public sealed class ModelHealthCheck(SiloReadiness readiness) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(readiness.IsReady
            ? HealthCheckResult.Healthy("model loaded and warmed up")
            : HealthCheckResult.Unhealthy($"silo is {readiness.State}"));
}
