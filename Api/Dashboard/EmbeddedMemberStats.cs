using Api.Hosting;
using Metrics;

namespace Api.Dashboard;

/// <summary>Embedded mode: one member, the silo this process co-hosts, whose figures are this process's own.</summary>
public sealed class EmbeddedMemberStats(MetricsCollector collector) : IMemberStatsSource
{
    public string Mode => "embedded";

    public Task<IReadOnlyList<MemberReading>> ReadAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<MemberReading>>(
            [new MemberReading(ApiServiceCollectionExtensions.EmbeddedSiloId, "in-process", MemberStatus.Live, null, collector.Collect())]);
}
