using Microsoft.Extensions.Diagnostics.HealthChecks;
using Redis;

namespace Grains.Hosting;

/// <summary>
/// Readiness contribution of Redis: degraded, not unhealthy, when it is away, because the service keeps
/// answering from memory and inference (only persistence and membership updates pause).
/// </summary>
public sealed class RedisHealthCheck(RedisClient redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.PingAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("redis answers");
        }
        catch (RedisException e)
        {
            return HealthCheckResult.Degraded($"redis unreachable: {e.Message}");
        }
    }
}
