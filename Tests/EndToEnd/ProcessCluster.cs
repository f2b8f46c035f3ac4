using System.Globalization;
using StackExchange.Redis;
using Tests.Infrastructure;

namespace Tests.EndToEnd;

/// <summary>
/// A cluster of real processes, as <c>./run.sh cluster</c> runs it: a redis-server, <c>Silo.dll</c> processes
/// and an <c>Api.dll</c> process (an Orleans client), each on its own loopback ports. A silo can be killed
/// (SIGKILL) and started again on the same ports, as a supervisor would.
/// </summary>
public sealed class ProcessCluster : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly Dictionary<string, (int Http, int Silo, int Gateway)> _ports = [];
    private readonly string _clusterId = "proc-" + Guid.NewGuid().ToString("N")[..8];
    private ConnectionMultiplexer? _tableReader;

    private ProcessCluster(RedisServer redis, RedisServer? storageRedis)
    {
        Redis = redis;
        StorageRedis = storageRedis;
    }

    /// <summary>The member table's Redis (and the predictions', unless <see cref="StorageRedis"/> is there).</summary>
    public RedisServer Redis { get; }

    /// <summary>The predictions' own Redis (<c>Storage:Redis</c>), as <c>./run.sh cluster</c> and the chart run it; or null.</summary>
    public RedisServer? StorageRedis { get; }

    public Dictionary<string, ServerProcess> Silos { get; } = [];

    public ServerProcess Api { get; private set; } = null!;

    /// <summary>Starts Redis (with <paramref name="redisArguments"/>), silos <c>silo-1</c>..<c>silo-N</c> and the API, all ready.</summary>
    public static Task<ProcessCluster> StartAsync(int silos, params string[] redisArguments) => StartAsync(silos, storageRedis: false, redisArguments);

    /// <summary>
    /// As <see cref="StartAsync(int, string[])"/>; with <paramref name="storageRedis"/>, the predictions go to a Redis of
    /// their own (no expiry), as deployed.
    /// </summary>
    public static async Task<ProcessCluster> StartAsync(int silos, bool storageRedis, params string[] redisArguments)
    {
        var cluster = new ProcessCluster(await RedisServer.StartAsync(redisArguments), storageRedis ? await RedisServer.StartAsync() : null);
        try
        {
            for (int i = 1; i <= silos; i++)
            {
                string name = $"silo-{i}";
                cluster._ports[name] = (FreePort.Reserve(), FreePort.Reserve(), FreePort.Reserve());
                cluster.StartSilo(name);
            }
            foreach (var (name, silo) in cluster.Silos)
            {
                Assert.True(await silo.WaitReadyAsync(ReadyTimeout), $"{name} did not become ready:\n{silo.Output}");
            }
            var address = new Uri($"http://127.0.0.1:{FreePort.Reserve()}/");
            cluster.Api = ServerProcess.Start(ServerProcess.ApiAssembly, address, ["--urls", address.ToString().TrimEnd('/')], cluster.Environment());
            Assert.True(await cluster.Api.WaitReadyAsync(ReadyTimeout), $"the API did not become ready:\n{cluster.Api.Output}");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The status Orleans' member table in Redis gives silo <paramref name="name"/> now (the row of its latest
    /// incarnation), e.g. <c>Active</c> or <c>Dead</c>; null when it has no row.
    /// </summary>
    public async Task<SiloStatus?> StatusInTableAsync(string name)
    {
        // Rows are JSON values of the hash {ServiceId}/members/{ClusterId}; the field "Version" is the table's version.
        // Read through a client of our own, not redis-cli: a test that polls this every 100 ms must not start
        // processes (each one's pipes hold pool threads while it runs, and the chaos test's load shares that pool).
        _tableReader ??= await ConnectionMultiplexer.ConnectAsync(Redis.Endpoint);
        var rows = await _tableReader.GetDatabase().HashValuesAsync($"{_clusterId}/members/{_clusterId}");
        SiloStatus? status = null;
        DateTime latest = DateTime.MinValue;
        foreach (string? line in rows.Select(row => (string?)row))
        {
            if (line is null || !line.StartsWith('{'))
            {
                continue;
            }
            using var row = System.Text.Json.JsonDocument.Parse(line);
            var root = row.RootElement;
            if (root.GetProperty("SiloName").GetString() == name && root.GetProperty("StartTime").GetDateTime() > latest)
            {
                latest = root.GetProperty("StartTime").GetDateTime();
                status = (SiloStatus)root.GetProperty("Status").GetInt32();
            }
        }
        return status;
    }

    /// <summary>(Re)starts silo <paramref name="name"/> on its ports; does not wait for it.</summary>
    public ServerProcess StartSilo(string name)
    {
        var (http, silo, gateway) = _ports[name];
        var environment = Environment();
        environment["Orleans__Name"] = name;
        environment["Orleans__Endpoints__SiloPort"] = silo.ToString(CultureInfo.InvariantCulture);
        environment["Orleans__Endpoints__GatewayPort"] = gateway.ToString(CultureInfo.InvariantCulture);
        environment["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1";
        environment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{http}";
        environment["Model__Path"] = RepositoryPaths.DefaultModel;
        if (StorageRedis is not null)
        {
            environment["Storage__Redis__Endpoint"] = StorageRedis.Endpoint;
            environment["Storage__TimeToLive"] = "0";
        }
        var process = ServerProcess.Start(ServerProcess.SiloAssembly, new Uri($"http://127.0.0.1:{http}/"), [], environment);
        Silos[name] = process;
        return process;
    }

    private Dictionary<string, string> Environment() => new()
    {
        ["Cluster__Mode"] = "Redis",
        ["Orleans__ClusterId"] = _clusterId,
        ["Orleans__ServiceId"] = _clusterId,
        ["Redis__Endpoint"] = Redis.Endpoint,
        ["Logging__LogLevel__Default"] = "Warning",
        // The API's one line when its client drops a gateway (a silo declared dead): the chaos test looks for it.
        [$"Logging__LogLevel__{typeof(PredictionCluster.Api.Routing.GatewayLossSignal).FullName}"] = "Information",
    };

    public async ValueTask DisposeAsync()
    {
        if (_tableReader is not null)
        {
            await _tableReader.DisposeAsync();
        }
        if (Api is not null)
        {
            await Api.DisposeAsync();
        }
        // Silos before Redis: a silo whose Redis is gone is slow to stop.
        await Task.WhenAll(Silos.Values.Select(silo => silo.DisposeAsync().AsTask()));
        await Redis.DisposeAsync();
        if (StorageRedis is not null)
        {
            await StorageRedis.DisposeAsync();
        }
    }
}
