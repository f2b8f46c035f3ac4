using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Api.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>The dashboard's state source; members are the co-hosted silo (embedded) or the cluster's silos.</summary>
    public static IServiceCollection AddOperatorDashboard(this IServiceCollection services, bool embedded)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DashboardStateSource>();
        // TODO(orleans-move): cluster mode reads each silo's figures through a per-silo grain.
        services.AddSingleton<IMemberStatsSource, EmbeddedMemberStats>();
        return services;
    }
}
