using PredictionCluster.Grains.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace PredictionCluster.Grains.Hosting;

/// <summary>
/// Readiness: Degraded (still 200) while grain storage fails or its breaker is open, so traffic keeps flowing (from
/// memory and inference) but operators see it.
/// </summary>
public sealed class StorageHealthCheck(StorageHealth storage, StorageCircuit circuit) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(circuit.IsOpen
            ? HealthCheckResult.Degraded($"grain storage's circuit breaker is open: Redis does not answer in time; reads are misses and writes are dropped until a probe gets an answer (last error: {storage.LastError})")
            : storage.IsFailing
                ? HealthCheckResult.Degraded($"grain storage is failing: {storage.LastError}")
                : HealthCheckResult.Healthy("grain storage works"));
}
