namespace Grains.Membership;

/// <summary>
/// A silo's row in the member table. <see cref="StartedAt"/> tells incarnations of one id apart (a
/// StatefulSet pod keeps its name across restarts).
/// </summary>
public sealed record MembershipEntry(string SiloId, string Endpoint, DateTimeOffset StartedAt, DateTimeOffset HeartbeatAt, MembershipStatus Status);
