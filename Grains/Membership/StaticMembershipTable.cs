using Microsoft.Extensions.Options;

namespace Grains.Membership;

/// <summary>
/// Members from configuration: every listed silo counts as alive, and one that is down is found out
/// by the router's connection failures (which move its keys to the next silo).
/// </summary>
public sealed class StaticMembershipTable(IOptions<MembershipOptions> options, TimeProvider time) : IMembershipTable
{
    private readonly DateTimeOffset _started = time.GetUtcNow();

    public Task WriteAsync(MembershipEntry entry, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RemoveAsync(IReadOnlyList<string> siloIds, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<MembershipEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        IReadOnlyList<MembershipEntry> entries = options.Value.Silos
            .Select(s => new MembershipEntry(s.Id, s.Url, _started, now, MembershipStatus.Active))
            .ToArray();
        return Task.FromResult(entries);
    }
}
