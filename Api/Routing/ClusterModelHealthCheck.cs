using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PredictionCluster.Api.Routing;

/// <summary>Readiness of the API: it can key texts only once it knows the model the silos serve.</summary>
public sealed class ClusterModelHealthCheck(ClusterModel model) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(model.Current is { } current
            ? HealthCheckResult.Healthy($"serving model {current.ModelId}")
            : HealthCheckResult.Unhealthy("no silo has said which model it serves yet"));
}
