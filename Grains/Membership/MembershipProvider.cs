namespace Grains.Membership;

/// <summary>Where the cluster's member list comes from.</summary>
public enum MembershipProvider
{
    /// <summary>No cluster: the API co-hosts its own silo (embedded mode).</summary>
    None,

    /// <summary>A fixed list from configuration (<c>Membership:Silos</c>); silos do not register.</summary>
    Static,

    /// <summary>Silos register and heartbeat in a Redis hash; routers read it.</summary>
    Redis,
}
