using System.Text.Json;
using Microsoft.Extensions.Options;
using Redis;

namespace Grains.Membership;

/// <summary>
/// The member table as one Redis hash, <c>{cluster}:members</c>, field = silo id, value = the row as
/// JSON (the shape Orleans' Redis clustering uses, reduced to what routing needs).
/// </summary>
public sealed class RedisMembershipTable(RedisClient redis, IOptions<MembershipOptions> options) : IMembershipTable
{
    private readonly string _key = options.Value.ClusterName + ":members";

    public Task WriteAsync(MembershipEntry entry, CancellationToken cancellationToken) =>
        redis.HashSetAsync(_key, [KeyValuePair.Create(entry.SiloId, JsonSerializer.SerializeToUtf8Bytes(entry, MembershipJsonContext.Default.MembershipEntry))], cancellationToken);

    public Task RemoveAsync(IReadOnlyList<string> siloIds, CancellationToken cancellationToken) =>
        siloIds.Count == 0 ? Task.CompletedTask : redis.HashDeleteAsync(_key, siloIds, cancellationToken);

    public async Task<IReadOnlyList<MembershipEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var rows = await redis.HashGetAllAsync(_key, cancellationToken).ConfigureAwait(false);
        var entries = new List<MembershipEntry>(rows.Count);
        foreach (var (_, value) in rows)
        {
            // A row another version wrote in a shape we cannot read is skipped, not fatal.
            try
            {
                if (JsonSerializer.Deserialize(value, MembershipJsonContext.Default.MembershipEntry) is { } entry)
                {
                    entries.Add(entry);
                }
            }
            catch (JsonException)
            {
            }
        }
        return entries;
    }
}
