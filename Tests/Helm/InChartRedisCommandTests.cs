using StackExchange.Redis;
using Tests.Infrastructure;

namespace Tests.Helm;

/// <summary>
/// The in-chart Redis command lines, as the chart renders them, run by a real redis-server (port, data directory,
/// password and memory cap swapped for the test's). The member table's Redis keeps an append-only file in its data
/// directory, and when full evicts only keys with a TTL (predictions sharing it), never the keys without one (Orleans'
/// member table). The predictions' Redis evicts any key under its cap (they have no TTL) and writes nothing to disk.
/// </summary>
public sealed class InChartRedisCommandTests
{
    private const int MemberTableKeys = 50;
    private const int Predictions = 1280;
    private static readonly byte[] Prediction = new byte[8 * 1024];

    [Fact]
    public async Task ChartsRedisCommand_KeepsAnAppendOnlyFile_AndEvictsOnlyKeysWithATtl()
    {
        string dataDirectory = NewDirectory();
        try
        {
            await using var redis = await RedisServer.StartAsync(ChartArguments("redis", dataDirectory, password: "chart-test", maxMemory: "4mb"));
            await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.Endpoint},password=chart-test,allowAdmin=true");
            var database = connection.GetDatabase();
            var server = connection.GetServer(redis.Endpoint);

            Assert.Equal("yes", (await server.ConfigGetAsync("appendonly")).Single().Value);
            Assert.Equal("volatile-lru", (await server.ConfigGetAsync("maxmemory-policy")).Single().Value);

            for (int i = 0; i < MemberTableKeys; i++)
            {
                await database.StringSetAsync($"member-table/{i}", $"silo {i}");
            }
            // About 10 MB of predictions with a TTL into 4 MB: Redis must evict some of them to take the rest.
            for (int i = 0; i < Predictions; i++)
            {
                await database.StringSetAsync($"prediction/{i}", Prediction, TimeSpan.FromDays(1));
            }

            Assert.True(await EvictedAsync(server) > 0, "nothing was evicted: the memory cap did not apply");
            for (int i = 0; i < MemberTableKeys; i++)
            {
                Assert.Equal($"silo {i}", (string?)await database.StringGetAsync($"member-table/{i}"));
            }
            Assert.True(Directory.EnumerateFileSystemEntries(dataDirectory, "appendonly*").Any(), "no append-only file in " + dataDirectory);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [Fact]
    public async Task ChartsPredictionsRedisCommand_EvictsKeysWithoutATtlUnderItsCap_AndKeepsNothingOnDisk()
    {
        string dataDirectory = NewDirectory();
        try
        {
            await using (var redis = await RedisServer.StartAsync(ChartArguments("predictions-redis", dataDirectory, password: "chart-test", maxMemory: "4mb")))
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.Endpoint},password=chart-test,allowAdmin=true");
                var database = connection.GetDatabase();
                var server = connection.GetServer(redis.Endpoint);
                Assert.Equal("allkeys-lru", (await server.ConfigGetAsync("maxmemory-policy")).Single().Value);

                // About 10 MB of predictions without a TTL, as silos store them here, into 4 MB: every write is taken
                // (a full Redis under noeviction or volatile-lru would refuse them), the oldest are evicted.
                for (int i = 0; i < Predictions; i++)
                {
                    await database.StringSetAsync($"prediction/{i}", Prediction);
                }

                Assert.True(await EvictedAsync(server) > 0, "nothing was evicted: the memory cap did not apply");
                Assert.True(await database.KeyExistsAsync($"prediction/{Predictions - 1}"), "the latest write is not there");
                // A stop as Kubernetes asks for it (SIGTERM: a SHUTDOWN) writes no snapshot either.
                await redis.CliAsync("SHUTDOWN");
                await WaitUntil.TrueAsync(() => Task.FromResult(!redis.IsRunning), TimeSpan.FromSeconds(30), "redis-server to exit");
            }
            Assert.Empty(Directory.EnumerateFileSystemEntries(dataDirectory));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    private static string NewDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "redis-chart-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(directory);
        return directory;
    }

    private static async Task<long> EvictedAsync(IServer server) =>
        long.Parse((await server.InfoAsync("stats")).SelectMany(g => g).Single(p => p.Key == "evicted_keys").Value);

    /// <summary>
    /// The rendered <c>redis-server</c> arguments of a <paramref name="component"/>'s StatefulSet, with the pod's port,
    /// working directory, password and memory cap replaced.
    /// </summary>
    private static string[] ChartArguments(string component, string dataDirectory, string password, string maxMemory)
    {
        var redis = HelmChart.Render("default").Component("StatefulSet", component);
        var mounts = redis.Containers.Single().Items("volumeMounts").Select(m => m.Text("mountPath")).ToArray();
        var arguments = new List<string>();
        foreach (var (option, chartValue) in RedisCommandLine.Options(redis))
        {
            string value = chartValue;
            switch (option)
            {
                case "--port":
                    continue; // the test server's own
                case "--dir":
                    Assert.Contains(chartValue, mounts); // a volume of the pod: the root filesystem is read-only
                    value = dataDirectory;
                    break;
                case "--requirepass":
                    Assert.Equal("$REDIS_PASSWORD", chartValue);
                    value = password;
                    break;
                case "--maxmemory":
                    value = maxMemory;
                    break;
            }
            arguments.Add(option);
            arguments.Add(value);
        }
        return arguments.ToArray();
    }
}
