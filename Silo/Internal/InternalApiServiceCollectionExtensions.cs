using Grains.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Silo.Internal;

/// <summary>Services of the silo's internal API (<see cref="InternalApi"/>).</summary>
public static class InternalApiServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Cluster</c> at startup: a silo whose internal API would answer without a shared
    /// secret (empty <c>Cluster:Key</c>) does not start.
    /// </summary>
    public static IServiceCollection AddInternalApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ClusterKeyGuard>();
        return services;
    }
}
