using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Api.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>The dashboard's state source; members are the co-hosted silo (embedded) or the cluster's silos.</summary>
    public static IServiceCollection AddOperatorDashboard(this IServiceCollection services, bool embedded)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DashboardStateSource>();
        if (embedded)
        {
            services.AddSingleton<IMemberStatsSource, EmbeddedMemberStats>();
        }
        else
        {
            services.AddSingleton<IMemberStatsSource, ClusterMemberStats>();
        }
        return services;
    }
}
