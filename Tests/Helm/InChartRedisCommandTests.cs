using StackExchange.Redis;
using Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Tests.Helm;

/// <summary>
/// The in-chart Redis's command line, as the chart renders it, run by a real redis-server (port, data directory,
/// password and memory cap swapped for the test's): it keeps an append-only file in its data directory, and when full
/// it evicts only keys with a TTL (stored predictions), never the keys without one (Orleans' member table).
/// </summary>
public sealed class InChartRedisCommandTests
{
    private const int MemberTableKeys = 50;
    private static readonly byte[] Prediction = new byte[8 * 1024];

    [Fact]
    public async Task ChartsRedisCommand_KeepsAnAppendOnlyFile_AndEvictsOnlyKeysWithATtl()
    {
        string dataDirectory = Path.Combine(Path.GetTempPath(), "redis-chart-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dataDirectory);
        try
        {
            await using var redis = await RedisServer.StartAsync(ChartArguments(dataDirectory, password: "chart-test", maxMemory: "4mb"));
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
            for (int i = 0; i < 1280; i++)
            {
                await database.StringSetAsync($"prediction/{i}", Prediction, TimeSpan.FromDays(1));
            }

            long evicted = long.Parse(ServerInfo(await server.InfoAsync("stats"), "evicted_keys"));
            Assert.True(evicted > 0, "nothing was evicted: the memory cap did not apply");
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

    /// <summary>The rendered <c>redis-server</c> arguments, with the pod's port, data directory, password and memory cap replaced.</summary>
    private static string[] ChartArguments(string dataDirectory, string password, string maxMemory)
    {
        var container = HelmChart.Render("default").Single("StatefulSet", "-redis").Containers.Single();
        string command = string.Join(' ', container.Items("args").Select(a => ((YamlScalarNode)a).Value));
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"')).ToList();
        Assert.Equal(["exec", "redis-server"], words.Take(2));
        var arguments = new List<string>();
        for (int i = 2; i < words.Count; i += 2)
        {
            string option = words[i];
            string value = i + 1 < words.Count ? words[i + 1] : "";
            switch (option)
            {
                case "--port":
                    continue; // the test server's own
                case "--dir":
                    Assert.Equal("/data", value); // the volume's mount path
                    value = dataDirectory;
                    break;
                case "--requirepass":
                    Assert.Equal("$REDIS_PASSWORD", value);
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

    private static string ServerInfo(IGrouping<string, KeyValuePair<string, string>>[] info, string key) =>
        info.SelectMany(g => g).Single(p => p.Key == key).Value;
}
