namespace Grains.Membership;

/// <summary>An immutable view of the live members, ordered by id; <see cref="Version"/> grows with every change.</summary>
public sealed class MembershipSnapshot(IReadOnlyList<ClusterMember> members, long version)
{
    public static MembershipSnapshot Empty { get; } = new([], 0);

    public IReadOnlyList<ClusterMember> Members { get; } = members;

    public long Version { get; } = version;
}
