using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The collector behind <c>/metrics</c>, and what this host is (<see cref="BuildInfo"/>).</summary>
    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services, Func<IServiceProvider, BuildInfo> buildInfo)
    {
        services.AddMetrics();
        services.TryAddSingleton(buildInfo);
        services.TryAddSingleton<MetricsCollector>();
        return services;
    }
}
