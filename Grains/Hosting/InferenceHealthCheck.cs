using PredictionCluster.Inference;
using PredictionCluster.Grains.Inference;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PredictionCluster.Grains.Hosting;

/// <summary>Readiness: unhealthy for good once the inference engine has stopped after an internal error (restart it).</summary>
public sealed class InferenceHealthCheck(InferenceEngine engine) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(engine.Failure is { } failure
            ? HealthCheckResult.Unhealthy("inference engine stopped", failure)
            : HealthCheckResult.Healthy("inference engine running"));
}
