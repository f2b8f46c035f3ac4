namespace Grains.Membership;

/// <summary>A member's state in the table.</summary>
public enum MembershipStatus
{
    /// <summary>Serving; alive as long as it heartbeats.</summary>
    Active,

    /// <summary>Left gracefully and is draining: routers drop it at once instead of waiting for the timeout.</summary>
    Left,
}
