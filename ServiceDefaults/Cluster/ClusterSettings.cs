using Microsoft.Extensions.Configuration;
using Orleans.Configuration;

namespace PredictionCluster.ServiceDefaults.Cluster;

/// <summary>
/// Settings shared by silos and the API client: the mode, Redis, and the membership timings. Orleans' own
/// section <c>Orleans</c> (ClusterId, ServiceId, Endpoints) is read by Orleans itself.
/// </summary>
public static class ClusterSettings
{
    public const string ModeKey = "Cluster:Mode";

    /// <summary>Where <see cref="ClusterMembershipOptions"/> may be overridden, e.g. <c>Orleans:Membership:ProbeTimeout</c>.</summary>
    public const string MembershipSection = "Orleans:Membership";

    public static ClusterMode ModeIn(IConfiguration configuration) =>
        configuration.GetValue(ModeKey, ClusterMode.Embedded);

    public static RedisOptions RedisIn(IConfiguration configuration) =>
        configuration.GetSection(RedisOptions.SectionName).Get<RedisOptions>() ?? new RedisOptions();

    /// <summary>
    /// Failure detection that declares a killed or paused silo dead within a few seconds (measured here: a kill in
    /// 0.6–2.2 s, where Orleans' defaults took 7–19 s). The price: a silo frozen for longer than about 2 s (a long GC
    /// pause, a stopped container) is evicted too, and then stops itself ("I have been told I am dead"); it needs a
    /// supervisor to restart it, as Kubernetes does.
    /// </summary>
    /// <remarks>
    /// <see cref="ClusterMembershipOptions.MaxProbeTimeout"/> is set too: Orleans suppresses a vote against a silo it
    /// has heard from within <c>MaxProbeTimeout × NumMissedProbesLimit</c>, and the default (4 × ProbeTimeout) made
    /// that 8 s: a silo paused for 6 s under load was never suspected, and every call to it waited out the pause.
    /// </remarks>
    public static void ApplyFastFailureDetection(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.MaxProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 1;
        options.TableRefreshTimeout = TimeSpan.FromSeconds(2);
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(5);
        options.DeathVoteExpirationTimeout = TimeSpan.FromSeconds(10);
    }
}
