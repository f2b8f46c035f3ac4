using System.Diagnostics.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Redis;

namespace Grains.Hosting;

/// <summary>One Redis client per host, shared by grain storage and membership, with its readiness check.</summary>
public static class RedisServiceCollectionExtensions
{
    public static IServiceCollection AddRedis(this IServiceCollection services, IConfiguration configuration)
    {
        // Storage and membership both ask for Redis; they share one client and one health check.
        if (services.Any(d => d.ServiceType == typeof(RedisClient)))
        {
            return services;
        }
        services.AddOptions<RedisOptions>().Bind(configuration.GetSection(RedisOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Endpoint), "Redis:Endpoint must be host:port.")
            .ValidateOnStart();
        services.AddSingleton(static sp => new RedisClient(
            sp.GetRequiredService<IOptions<RedisOptions>>().Value, sp.GetRequiredService<ILogger<RedisClient>>(), sp.GetService<IMeterFactory>()));
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [HealthTags.Ready]);
        return services;
    }
}
