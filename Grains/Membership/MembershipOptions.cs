using Microsoft.Extensions.Configuration;

namespace Grains.Membership;

/// <summary>How silos find each other and how fast the cluster notices a change (section <c>Membership</c>).</summary>
public sealed class MembershipOptions
{
    public const string SectionName = "Membership";

    public MembershipProvider Provider { get; set; } = MembershipProvider.None;

    /// <summary>The configured provider, read while services are registered (it decides which ones).</summary>
    public static MembershipProvider ProviderIn(IConfiguration configuration) =>
        configuration.GetSection(SectionName).GetValue(nameof(Provider), MembershipProvider.None);

    /// <summary>Names the member table in Redis, so several clusters can share one Redis.</summary>
    public string ClusterName { get; set; } = "prediction";

    /// <summary>How often a silo renews its entry.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A member whose last heartbeat is older than this is dead to routers.</summary>
    public TimeSpan MemberTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often routers re-read the table.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The member list when <see cref="Provider"/> is <see cref="MembershipProvider.Static"/>.</summary>
    public List<StaticSilo> Silos { get; set; } = [];
}
