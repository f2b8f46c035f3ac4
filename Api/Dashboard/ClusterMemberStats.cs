using System.Text.Json;
using Grains.Interfaces;
using Metrics;

namespace Api.Dashboard;

/// <summary>
/// Cluster mode: the members are the silos Orleans' member table holds (<see cref="IManagementGrain.GetDetailedHosts"/>),
/// each active one asked in parallel for its metric families through its <see cref="ISiloStatsGrain"/>, with
/// <see cref="Timeout"/> to answer. Silos that stopped or died stay listed for <see cref="DeadShownFor"/>, so an
/// operator sees who went away.
/// </summary>
public sealed partial class ClusterMemberStats(IGrainFactory grains, TimeProvider time, ILogger<ClusterMemberStats> logger) : IMemberStatsSource
{
    /// <summary>How long one silo (and the member table) may take; the page refreshes every second.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    /// <summary>How long after its last heartbeat a dead silo is still listed (the table keeps them for days).</summary>
    public static readonly TimeSpan DeadShownFor = TimeSpan.FromMinutes(10);

    /// <summary>The last member list read; stands in while the table cannot be read (Redis away).</summary>
    private volatile MembershipEntry[] _lastHosts = [];

    public string Mode => "cluster";

    public async Task<IReadOnlyList<MemberReading>> ReadAsync(CancellationToken cancellationToken)
    {
        var hosts = await ReadHostsAsync(cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var shown = hosts
            .Where(h => h.Status != SiloStatus.Dead || now - AsUtc(h.IAmAliveTime) < DeadShownFor)
            .OrderBy(h => h.SiloName, StringComparer.Ordinal)
            .ThenBy(h => h.StartTime)
            .ToArray();
        var stats = shown.Select(h => h.Status == SiloStatus.Active ? ReadStatsAsync(h.SiloAddress, cancellationToken) : null).ToArray();

        var readings = new List<MemberReading>(shown.Length);
        for (int i = 0; i < shown.Length; i++)
        {
            var host = shown[i];
            string endpoint = host.SiloAddress.Endpoint.ToString();
            double heartbeatAge = Math.Max(0, (now - AsUtc(host.IAmAliveTime)).TotalSeconds);
            if (stats[i] is not { } read)
            {
                readings.Add(new MemberReading(host.SiloName, endpoint, StatusOf(host.Status), heartbeatAge, null));
                continue;
            }
            var (families, error) = await read.ConfigureAwait(false);
            readings.Add(new MemberReading(host.SiloName, endpoint, families is null ? MemberStatus.Unreachable : MemberStatus.Live, heartbeatAge, families, error));
        }
        return readings;
    }

    private async Task<MembershipEntry[]> ReadHostsAsync(CancellationToken cancellationToken)
    {
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: false).WaitAsync(Timeout, time, cancellationToken).ConfigureAwait(false);
            _lastHosts = hosts;
            return hosts;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // The member table lives in Redis: while it is away the last list stands, and each silo still answers for itself.
            LogHostsUnreadable(e.Message);
            return _lastHosts;
        }
    }

    private async Task<(IReadOnlyList<MetricFamily>? Families, string? Error)> ReadStatsAsync(SiloAddress silo, CancellationToken cancellationToken)
    {
        try
        {
            var json = await grains.GetGrain<ISiloStatsGrain>(silo.ToParsableString()).GetMetricFamiliesAsync().AsTask()
                .WaitAsync(Timeout, time, cancellationToken).ConfigureAwait(false);
            var families = JsonSerializer.Deserialize(json, MetricsJsonContext.Default.MetricFamilyArray);
            return (families, families is null ? "answered null" : null);
        }
        catch (TimeoutException)
        {
            return (null, $"no answer within {Timeout.TotalSeconds:0.#} s");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, e.Message);
        }
    }

    private static MemberStatus StatusOf(SiloStatus status) => status switch
    {
        SiloStatus.Active => MemberStatus.Live,
        SiloStatus.Created or SiloStatus.Joining => MemberStatus.Joining,
        SiloStatus.ShuttingDown or SiloStatus.Stopping => MemberStatus.ShuttingDown,
        _ => MemberStatus.Dead,
    };

    /// <summary>The table's times are UTC (Orleans writes DateTime.UtcNow), whatever their Kind says after a round trip.</summary>
    private static DateTimeOffset AsUtc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    [LoggerMessage(Level = LogLevel.Debug, Message = "Dashboard: member table unreadable ({Reason}); showing the last list read")]
    private partial void LogHostsUnreadable(string reason);
}
