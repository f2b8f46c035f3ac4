namespace Api.Dashboard;

/// <summary>A member's health on the dashboard: Orleans' view of the silo, and whether it answered.</summary>
public enum MemberStatus
{
    /// <summary>Active in the cluster, and it answered.</summary>
    Live,

    /// <summary>Active in the cluster, but its stats did not come back in time.</summary>
    Unreachable,

    /// <summary>Starting: in the member table, not yet active.</summary>
    Joining,

    /// <summary>Stopping gracefully: its grains move away, it takes no new ones.</summary>
    ShuttingDown,

    /// <summary>Declared dead by the cluster, or stopped.</summary>
    Dead,
}
