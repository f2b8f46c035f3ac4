using Grains.Membership;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Api.Routing;

/// <summary>Readiness of the API in cluster mode: at least one live silo, and the cluster's model known.</summary>
public sealed class ClusterHealthCheck(MembershipView membership, ClusterModel model) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        int silos = membership.Current.Members.Count;
        var descriptor = model.Current;
        return Task.FromResult(silos > 0 && descriptor is not null
            ? HealthCheckResult.Healthy($"{silos} live silo(s), model {descriptor.ModelId}")
            : HealthCheckResult.Unhealthy(silos == 0 ? "no live silo" : "model not known yet"));
    }
}
