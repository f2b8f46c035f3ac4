using PredictionCluster.Api.Hosting;
using PredictionCluster.Api.Routing;
using PredictionCluster.Grains.Interfaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using PredictionCluster.Silo.Hosting;

namespace Tests.Infrastructure;

/// <summary>
/// A cluster as it runs in production, inside this test process: a real redis-server (membership and grain
/// storage), N Orleans silos built by <see cref="SiloHost"/> on their own TCP ports, and the API built by
/// <see cref="ApiHost"/> as an Orleans client, served by Kestrel over real HTTP. For tests of the HTTP surface
/// in cluster mode; grain-level cluster behaviour is tested on TestingHost clusters
/// (<see cref="PredictionTestCluster"/>), and kills of whole processes with <see cref="Tests.EndToEnd.ServerProcess"/>.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly List<LocalSilo> _silos = [];
    private readonly string _clusterId = "test-" + Guid.NewGuid().ToString("N")[..8];
    private WebApplication? _api;

    private LocalCluster(RedisServer redis)
    {
        Redis = redis;
    }

    public RedisServer Redis { get; }

    /// <summary>A client of the API (HTTP/1.1, as users call it).</summary>
    public HttpClient Client { get; private set; } = null!;

    public Uri ApiAddress { get; private set; } = null!;

    public IReadOnlyList<LocalSilo> Silos => _silos;

    /// <summary>The API host's services.</summary>
    public IServiceProvider ApiServices => _api!.Services;

    /// <summary>The model id the API learnt from the silos (part of every key).</summary>
    public string ModelId => _api!.Services.GetRequiredService<ClusterModel>().Current!.ModelId;

    /// <summary>The grain key the API uses for <paramref name="text"/>.</summary>
    public string GrainKeyOf(string text) => PredictionGrainKey.Format(ModelId, PredictionKey.Compute(ModelId, text));

    /// <summary>
    /// The API and silos read their own appsettings.json, not the one in the test output (both Api and Silo
    /// are referenced, and only one of their appsettings.json can land there).
    /// </summary>
    public static string[] ContentRootArguments(string project) => ["--contentRoot", Path.Combine(RepositoryPaths.Root, project)];

    /// <summary>Settings every host of the cluster shares.</summary>
    public Dictionary<string, string?> SharedSettings => new()
    {
        ["Logging:LogLevel:Default"] = Environment.GetEnvironmentVariable("TEST_CLUSTER_LOG_LEVEL") ?? "Warning",
        ["Logging:LogLevel:Microsoft.Extensions.Diagnostics.HealthChecks"] = "None",
        ["Cluster:Mode"] = "Redis",
        ["Orleans:ClusterId"] = _clusterId,
        ["Orleans:ServiceId"] = _clusterId,
        ["Redis:Endpoint"] = Redis.Endpoint,
        ["Redis:ConnectTimeout"] = "00:00:00.500",
        ["Redis:CommandTimeout"] = "00:00:01",
    };

    /// <summary>Starts Redis, silos <c>silo-1</c>..<c>silo-N</c> and the API; returns once the API is ready.</summary>
    public static async Task<LocalCluster> StartAsync(int silos, IDictionary<string, string?>? siloSettings = null, IDictionary<string, string?>? apiSettings = null, string? modelPath = null)
    {
        var cluster = new LocalCluster(await RedisServer.StartAsync());
        try
        {
            for (int i = 1; i <= silos; i++)
            {
                await cluster.StartSiloAsync($"silo-{i}", siloSettings, modelPath);
            }
            await cluster.StartApiAsync(apiSettings);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts one more silo, which joins the cluster.</summary>
    public async Task<LocalSilo> StartSiloAsync(string name, IDictionary<string, string?>? settings = null, string? modelPath = null)
    {
        int httpPort = FreePort.Reserve();
        var all = SharedSettings;
        all["Orleans:Name"] = name;
        all["Orleans:Endpoints:SiloPort"] = FreePort.Reserve().ToString(System.Globalization.CultureInfo.InvariantCulture);
        all["Orleans:Endpoints:GatewayPort"] = FreePort.Reserve().ToString(System.Globalization.CultureInfo.InvariantCulture);
        all["Orleans:Endpoints:AdvertisedIPAddress"] = "127.0.0.1";
        all["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{httpPort}";
        all["Model:Path"] = modelPath ?? RepositoryPaths.DefaultModel;
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        var host = SiloHost.Build(ContentRootArguments("Silo"), all);
        await host.StartAsync();
        var silo = new LocalSilo(name, host, new Uri($"http://127.0.0.1:{httpPort}"));
        _silos.Add(silo);
        return silo;
    }

    private async Task StartApiAsync(IDictionary<string, string?>? settings)
    {
        var (host, client, started) = StartApiHost(settings);
        _api = host;
        Client = client;
        ApiAddress = client.BaseAddress!;
        await started;
        await WaitUntil.TrueAsync(async () => (await Client.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "the API to be ready");
    }

    /// <summary>
    /// One more API host of this cluster (same Redis and cluster id, <paramref name="settings"/> on top), returned once
    /// it answers <c>/health/live</c>: its Orleans client may still be trying to reach a gateway (silos that refuse
    /// it, or none at all), which the host's start waits for.
    /// </summary>
    public async Task<LocalApi> StartAnotherApiAsync(IDictionary<string, string?>? settings = null)
    {
        var (host, client, started) = StartApiHost(settings);
        var api = new LocalApi(host, client, started);
        try
        {
            await WaitUntil.TrueAsync(async () =>
            {
                if (started.IsFaulted)
                {
                    await started; // the start's own exception, not a timeout
                }
                try
                {
                    return (await client.GetAsync("/health/live")).IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30), "the API to answer /health/live");
            return api;
        }
        catch
        {
            await api.DisposeAsync();
            throw;
        }
    }

    private (WebApplication Host, HttpClient Client, Task Started) StartApiHost(IDictionary<string, string?>? settings)
    {
        int port = FreePort.Reserve();
        var all = SharedSettings;
        all["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{port}";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        var host = ApiHost.Build(ContentRootArguments("Api"), all);
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(60) };
        return (host, client, host.StartAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (_api is not null)
        {
            await _api.StopAsync();
            await _api.DisposeAsync();
        }
        foreach (var silo in _silos)
        {
            await silo.DisposeAsync();
        }
        await Redis.DisposeAsync();
    }
}
