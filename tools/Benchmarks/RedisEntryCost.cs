using StackExchange.Redis;

namespace Benchmarks;

/// <summary>
/// What one stored prediction costs Redis: <c>used_memory</c> before and after a silo stored <see cref="Keys"/>
/// predictions into an emptied Redis (everything a key costs: its entry, its expiry if any, the allocator's rounding),
/// and the median of <c>MEMORY USAGE</c> over a sample of the keys (the key and value alone). Two layouts: as deployed
/// (<c>withTtl</c> false: the predictions' own Redis, <c>Storage:Redis</c>, no expiry) and shared with the
/// member table (true: the top-level <c>Redis</c>, with <c>Storage:TimeToLive</c>'s default day).
/// </summary>
internal sealed record RedisEntryCost(int Keys, double UsedMemoryPerKey, long MedianMemoryUsage, int KeyBytes)
{
    private const int Sample = 200;

    public static async Task<RedisEntryCost> MeasureAsync(
        string endpoint, int keys, bool withTtl,
        Func<Action<IDictionary<string, string?>>, Task<MemoryCommand.MemorySilo>> startSilo,
        Func<MemoryCommand.MemorySilo, int, Task> predict)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync($"{endpoint},allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        await server.FlushDatabaseAsync();
        await using (var silo = await startSilo(values =>
        {
            values["Storage:Provider"] = "Redis";
            if (withTtl)
            {
                values["Redis:Endpoint"] = endpoint;
                values["Storage:TimeToLive"] = "1.00:00:00";
            }
            else
            {
                values["Storage:Redis:Endpoint"] = endpoint;
                values["Storage:TimeToLive"] = "0";
            }
        }))
        {
            // Warm-up outside the measured window: the silo's connection, the runtime's own grains.
            await predict(silo, 100);
            long before = await UsedMemoryAsync(server);
            await predict(silo, keys + 100);
            long after = await UsedMemoryAsync(server);
            var usages = new List<long>();
            int keyBytes = 0;
            await foreach (var key in server.KeysAsync(pageSize: 1000))
            {
                if (usages.Count == Sample)
                {
                    break;
                }
                var usage = await redis.GetDatabase().ExecuteAsync("MEMORY", "USAGE", key);
                usages.Add((long)usage);
                keyBytes = ((byte[])key!).Length;
            }
            usages.Sort();
            return new RedisEntryCost(keys, (after - before) / (double)keys, usages.Count == 0 ? 0 : usages[usages.Count / 2], keyBytes);
        }
    }

    private static async Task<long> UsedMemoryAsync(IServer server)
    {
        var info = await server.InfoAsync("memory");
        return long.Parse(info.SelectMany(group => group).First(pair => pair.Key == "used_memory").Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
