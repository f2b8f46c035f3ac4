using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Sockets;
using Api.Hosting;
using Api.Routing;
using Grains.Interfaces;
using Grains.Membership;
using Microsoft.AspNetCore.Builder;
using Silo.Hosting;
using Tests.EndToEnd;

namespace Tests.Infrastructure;

/// <summary>
/// A whole cluster in this test process (the role Orleans' TestingHost plays): a real redis-server,
/// N silos and the API, each a real Kestrel host on its own loopback ports, talking real HTTP/2.
/// Membership runs on fast timers so changes show within a second.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    public const string ClusterKey = "test-cluster-key";

    private readonly Dictionary<string, TestSilo> _silos = [];
    private readonly string _clusterName = "test-" + Guid.NewGuid().ToString("N")[..8];
    private WebApplication? _api;

    private TestCluster(RedisServer redis)
    {
        Redis = redis;
    }

    public RedisServer Redis { get; }

    /// <summary>A client of the API (HTTP/1.1, as users call it).</summary>
    public HttpClient Client { get; private set; } = null!;

    public Uri ApiAddress { get; private set; } = null!;

    public IReadOnlyCollection<TestSilo> Silos => _silos.Values;

    public TestSilo Silo(string id) => _silos[id];

    /// <summary>The model id the API learnt from the silos (part of every key).</summary>
    public string ModelId => _api!.Services.GetRequiredService<ClusterModel>().Current!.ModelId;

    /// <summary>The key the API computes for <paramref name="text"/>.</summary>
    public PredictionKey KeyOf(string text) => PredictionKey.Compute(ModelId, text);

    /// <summary>The API host's services (its counters, its view).</summary>
    public IServiceProvider ApiServices => _api!.Services;

    /// <summary>The API's live view of the members.</summary>
    public MembershipView ApiMembership => _api!.Services.GetRequiredService<MembershipView>();

    /// <summary>
    /// The API reads its own appsettings.json, not the one in the test output (both Api and Silo
    /// are referenced, and only one of their appsettings.json can land there).
    /// </summary>
    public static string[] ApiArguments => ["--contentRoot", Path.Combine(RepositoryPaths.Root, "Api")];

    /// <summary>Settings every host of the cluster shares (membership timers, Redis, the cluster key).</summary>
    public Dictionary<string, string?> SharedSettings => new()
    {
        ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("TEST_CLUSTER_LOG_LEVEL") ?? "Warning",
        // Readiness polls while the cluster forms would log every 'not ready yet' as an error.
        ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
        ["Membership:Provider"] = "Redis",
        ["Membership:ClusterName"] = _clusterName,
        ["Membership:HeartbeatInterval"] = "00:00:00.200",
        ["Membership:MemberTimeout"] = "00:00:02",
        ["Membership:RefreshInterval"] = "00:00:00.200",
        ["Cluster:Key"] = ClusterKey,
        ["Redis:Endpoint"] = Redis.Endpoint,
        ["Redis:ConnectTimeout"] = "00:00:00.500",
        ["Redis:CommandTimeout"] = "00:00:01",
        ["Redis:ReconnectMaxDelay"] = "00:00:00.500",
        ["Routing:ConnectTimeout"] = "00:00:01",
    };

    /// <summary>Starts Redis, silos <c>silo-1</c>..<c>silo-N</c> and the API; returns once the API sees every silo.</summary>
    public static async Task<TestCluster> StartAsync(int silos)
    {
        var cluster = new TestCluster(await RedisServer.StartAsync());
        try
        {
            await Task.WhenAll(Enumerable.Range(1, silos).Select(i => cluster.StartSiloAsync($"silo-{i}")));
            await cluster.StartApiAsync();
            await cluster.WaitForMembersAsync(silos);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task<TestSilo> StartSiloAsync(string id)
    {
        int http = FreePort.Reserve(), internalPort = FreePort.Reserve();
        var app = SiloHost.Build(["--contentRoot", Path.Combine(RepositoryPaths.Root, "Silo")], SiloSettings(id, http, internalPort));
        await app.StartAsync();
        var silo = new TestSilo(id, app, new Uri($"http://127.0.0.1:{http}/"), new Uri($"http://127.0.0.1:{internalPort}"));
        lock (_silos)
        {
            _silos.Add(id, silo);
        }
        return silo;
    }

    /// <summary>A silo as its own OS process (the built Silo.dll) in this cluster, for tests that kill or stop one.</summary>
    public async Task<ServerProcess> StartSiloProcessAsync(string id, params string[] extraArguments)
    {
        int http = FreePort.Reserve(), internalPort = FreePort.Reserve();
        var arguments = SiloSettings(id, http, internalPort).Select(setting => $"--{setting.Key}={setting.Value}").Concat(extraArguments);
        var process = ServerProcess.Start(ServerProcess.SiloAssembly, new Uri($"http://127.0.0.1:{http}/"), arguments);
        if (!await process.WaitReadyAsync(TimeSpan.FromSeconds(30)))
        {
            string output = process.Output;
            await process.DisposeAsync();
            throw new InvalidOperationException($"Silo process {id} did not become ready:\n{output}");
        }
        return process;
    }

    private Dictionary<string, string?> SiloSettings(string id, int http, int internalPort)
    {
        var settings = SharedSettings;
        settings["Silo:Id"] = id;
        settings["Model:Path"] = RepositoryPaths.DefaultModel;
        settings["Storage:Provider"] = "Redis";
        settings["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{http}";
        settings["Kestrel:Endpoints:Internal:Url"] = $"http://127.0.0.1:{internalPort}";
        settings["Kestrel:Endpoints:Internal:Protocols"] = "Http2";
        return settings;
    }

    /// <summary>Graceful stop, as on SIGTERM: the silo leaves the table, drains, then stops listening.</summary>
    public async Task StopSiloAsync(string id)
    {
        var silo = _silos[id];
        _silos.Remove(id);
        await silo.DisposeAsync();
    }

    /// <summary>Waits until the API's view holds exactly <paramref name="count"/> silos and the API is ready.</summary>
    public async Task WaitForMembersAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            string readiness = await ReadinessAsync(Client);
            if (ApiMembership.Current.Members.Count == count && readiness.StartsWith("200", StringComparison.Ordinal))
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The API sees {ApiMembership.Current.Members.Count} silo(s), expected {count}; its readiness: {readiness}.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>The silo the API's current view makes the owner of <paramref name="key"/>.</summary>
    public TestSilo OwnerOf(PredictionKey key)
    {
        var members = ApiMembership.Current.Members;
        return _silos[members[RendezvousHashing.Owner(key, members)].SiloId];
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_api is not null)
        {
            await _api.StopAsync();
            await _api.DisposeAsync();
        }
        await Task.WhenAll(_silos.Values.Select(s => s.DisposeAsync().AsTask()));
        _silos.Clear();
        await Redis.DisposeAsync();
    }

    private async Task StartApiAsync()
    {
        int port = FreePort.Reserve();
        var settings = SharedSettings;
        settings["urls"] = $"http://127.0.0.1:{port}";
        _api = ApiHost.Build(ApiArguments, settings);
        await _api.StartAsync();
        ApiAddress = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient { BaseAddress = ApiAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>Status code and body of the API's readiness probe.</summary>
    private static async Task<string> ReadinessAsync(HttpClient client)
    {
        try
        {
            using var response = await client.GetAsync("health/ready");
            return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

}
