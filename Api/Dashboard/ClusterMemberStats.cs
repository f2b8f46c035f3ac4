using Grains.Membership;

namespace Api.Dashboard;

/// <summary>
/// Cluster mode: the live members of the API's <see cref="MembershipView"/>, each asked for its stats in parallel,
/// plus rows of the member table that are no longer live (left or silent), so an operator sees who went away.
/// </summary>
public sealed partial class ClusterMemberStats(MembershipView view, IMembershipTable table, SiloStatsClient silos, TimeProvider time, ILogger<ClusterMemberStats> logger)
    : IMemberStatsSource
{
    // The table is read for heartbeat ages only; a slow Redis must not hold the page up.
    private static readonly TimeSpan TableTimeout = TimeSpan.FromSeconds(1);

    public string Mode => "cluster";

    public async Task<IReadOnlyList<MemberReading>> ReadAsync(CancellationToken cancellationToken)
    {
        var live = view.Current.Members;
        var stats = live.Select(member => silos.TryGetAsync(member.Endpoint, cancellationToken)).ToArray();
        var rows = await ReadTableAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();

        var readings = new List<MemberReading>(live.Count);
        for (int i = 0; i < live.Count; i++)
        {
            var member = live[i];
            var (families, error) = await stats[i].ConfigureAwait(false);
            double? age = rows.TryGetValue(member.SiloId, out var row) ? Math.Max(0, (now - row.HeartbeatAt).TotalSeconds) : null;
            readings.Add(new MemberReading(member.SiloId, member.Endpoint.ToString(), families is null ? MemberStatus.Unreachable : MemberStatus.Live, age, families, error));
        }
        foreach (var row in rows.Values.OrderBy(r => r.SiloId, StringComparer.Ordinal))
        {
            if (live.Any(m => m.SiloId == row.SiloId))
            {
                continue;
            }
            readings.Add(new MemberReading(row.SiloId, row.Endpoint, row.Status == MembershipStatus.Left ? MemberStatus.Left : MemberStatus.Dead,
                Math.Max(0, (now - row.HeartbeatAt).TotalSeconds), null));
        }
        return readings;
    }

    private async Task<Dictionary<string, MembershipEntry>> ReadTableAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TableTimeout);
        try
        {
            var rows = await table.ReadAllAsync(timeout.Token).ConfigureAwait(false);
            return rows.ToDictionary(r => r.SiloId, StringComparer.Ordinal);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // Without the table the live view still stands; only heartbeat ages are missing.
            LogTableUnreadable(e.Message);
            return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dashboard: member table unreadable ({Reason}); heartbeat ages omitted")]
    private partial void LogTableUnreadable(string reason);
}
