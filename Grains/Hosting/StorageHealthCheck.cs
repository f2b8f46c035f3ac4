using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Grains.Hosting;

/// <summary>Readiness: Degraded (still 200) while grain storage fails, so traffic keeps flowing but operators see it.</summary>
public sealed class StorageHealthCheck(StorageHealth storage) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(storage.IsFailing
            ? HealthCheckResult.Degraded($"grain storage is failing: {storage.LastError}")
            : HealthCheckResult.Healthy("grain storage works"));
}
