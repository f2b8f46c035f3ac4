namespace Grains.Membership;

/// <summary>The cluster's member list: silos write their own row, routers read them all.</summary>
public interface IMembershipTable
{
    /// <summary>Inserts or replaces the silo's row (a heartbeat is an upsert with a fresh timestamp).</summary>
    Task WriteAsync(MembershipEntry entry, CancellationToken cancellationToken);

    /// <summary>Every row, live or not; the reader decides who is alive.</summary>
    Task<IReadOnlyList<MembershipEntry>> ReadAllAsync(CancellationToken cancellationToken);

    /// <summary>Deletes rows of silos long gone (housekeeping, not part of failure detection).</summary>
    Task RemoveAsync(IReadOnlyList<string> siloIds, CancellationToken cancellationToken);
}
