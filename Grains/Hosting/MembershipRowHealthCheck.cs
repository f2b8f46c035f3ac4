using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Orleans.Clustering.Redis;

namespace PredictionCluster.Grains.Hosting;

/// <summary>
/// Liveness of a silo in a Redis-clustered deployment: unhealthy when the member table answers but no longer
/// holds this silo as alive (Redis restarted empty, or the cluster declared this silo dead). Orleans' Redis
/// membership does not re-register a silo whose row is gone, so the silo must be restarted; this check makes a
/// supervisor (Kubernetes' liveness probe, or whoever watches <c>/health/live</c>) do it. A member table that
/// does not answer (Redis away) is no reason to restart: the check stays healthy and readiness reports storage.
/// </summary>
public sealed class MembershipRowHealthCheck(IMembershipTable table, ILocalSiloDetails silo, IHostApplicationLifetime lifetime) : IHealthCheck
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!lifetime.ApplicationStarted.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return HealthCheckResult.Healthy("not joined yet, or leaving");
        }
        MembershipTableData data;
        try
        {
            data = await table.ReadAllAsync(cancellationToken).WaitAsync(ReadTimeout, cancellationToken);
        }
        catch (RedisClusteringException e)
        {
            // Redis answered, but the table is not there (its version row is gone with the data): this silo
            // will never be in it again.
            return HealthCheckResult.Unhealthy($"the member table is gone ({e.Message}); restart this silo");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Healthy($"member table unreadable ({e.Message}); not judging");
        }
        foreach (var (entry, _) in data.Members)
        {
            if (entry.SiloAddress.Equals(silo.SiloAddress))
            {
                return entry.Status == SiloStatus.Dead
                    ? HealthCheckResult.Unhealthy("the cluster declared this silo dead; restart it")
                    : HealthCheckResult.Healthy($"member: {entry.Status}");
            }
        }
        return HealthCheckResult.Unhealthy("this silo's row is gone from the member table (Redis lost its data?); restart it");
    }
}
