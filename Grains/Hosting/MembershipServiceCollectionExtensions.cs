using Grains.Membership;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Grains.Hosting;

/// <summary>Registers the member table the configuration names (Redis or a static list).</summary>
public static class MembershipServiceCollectionExtensions
{
    /// <summary>The table alone: what a silo needs to register itself.</summary>
    public static IServiceCollection AddMembershipTable(this IServiceCollection services, IConfiguration configuration)
    {
        var section = configuration.GetSection(MembershipOptions.SectionName);
        services.AddOptions<MembershipOptions>().Bind(section)
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.RefreshInterval > TimeSpan.Zero && o.MemberTimeout > o.HeartbeatInterval,
                "Membership: intervals must be positive and MemberTimeout longer than HeartbeatInterval.")
            .Validate(o => o.Provider != MembershipProvider.Static || (o.Silos.Count > 0 && o.Silos.All(s => s.Id.Length > 0 && Uri.TryCreate(s.Url, UriKind.Absolute, out _))),
                "Membership:Silos must list at least one silo, each with an Id and an absolute Url.")
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        var provider = MembershipOptions.ProviderIn(configuration);
        if (provider == MembershipProvider.Redis)
        {
            services.AddRedis(configuration);
            services.TryAddSingleton<IMembershipTable, RedisMembershipTable>();
        }
        else
        {
            services.TryAddSingleton<IMembershipTable, StaticMembershipTable>();
        }
        return services;
    }

    /// <summary>The table plus a live view of it: what a router needs.</summary>
    public static IServiceCollection AddMembershipView(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMembershipTable(configuration);
        services.AddSingleton<MembershipView>();
        services.AddHostedService(static sp => sp.GetRequiredService<MembershipView>());
        return services;
    }
}
