namespace Api.Dashboard;

/// <summary>Where the dashboard's members and their figures come from: the co-hosted silo, or the cluster's silos.</summary>
public interface IMemberStatsSource
{
    /// <summary><c>embedded</c> or <c>cluster</c>.</summary>
    string Mode { get; }

    /// <summary>Every member worth showing, read now. Never throws for a member that fails: it shows as unreachable.</summary>
    Task<IReadOnlyList<MemberReading>> ReadAsync(CancellationToken cancellationToken);
}
