namespace Api.Dashboard;

/// <summary>A member's health on the dashboard.</summary>
public enum MemberStatus
{
    /// <summary>In the API's live view, and it answered.</summary>
    Live,

    /// <summary>In the live view, but its stats did not come back in time.</summary>
    Unreachable,

    /// <summary>Left gracefully (draining); routers no longer send it keys.</summary>
    Left,

    /// <summary>In the table but silent past the member timeout.</summary>
    Dead,
}
