using PredictionCluster.Api.Routing;
using PredictionCluster.Grains.Hosting;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Grains.Prediction;
using PredictionCluster.Inference.Batching;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.TestingHost;

namespace Tests.Infrastructure;

/// <summary>
/// An Orleans TestingHost cluster of prediction silos, wired exactly as production silos are
/// (<see cref="PredictionSiloBuilderExtensions.AddPredictionSilo"/>), with grain storage in a real redis-server
/// when <see cref="Redis"/> is given. <see cref="Router"/> is the API's own routing code (retries, model
/// learning) over the cluster's client, so tests see what HTTP clients would see.
/// </summary>
public sealed class PredictionTestCluster : IAsyncDisposable
{
    private readonly ServiceProvider _apiServices;

    private PredictionTestCluster(InProcessTestCluster cluster, RedisServer? redis, IDictionary<string, string?>? routingSettings, ILoggerProvider? apiLogs)
    {
        Cluster = cluster;
        Redis = redis;
        var routing = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Routing:Deadline"] = "00:00:30",
        }).AddInMemoryCollection(routingSettings ?? new Dictionary<string, string?>()).Build();
        // The cluster is deployed and its client connected: for the API's ClusterModel, the host has started.
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        lifetime.NotifyStarted();
        _apiServices = new ServiceCollection()
            .AddLogging(logging =>
            {
                logging.SetMinimumLevel(apiLogs is null ? LogLevel.Warning : LogLevel.Debug);
                if (apiLogs is not null)
                {
                    logging.AddProvider(apiLogs);
                }
            })
            .AddSingleton<IHostApplicationLifetime>(lifetime)
            .AddSingleton<IGrainFactory>(cluster.Client)
            .AddMetrics()
            .AddSingleton<PredictionMetrics>()
            .AddGrainCallPipeline(routing)
            .AddSingleton<ClusterModel>()
            .AddSingleton<GrainPredictionRouter>()
            .AddSingleton(typeof(GrainReferenceFactory<>))
            .BuildServiceProvider();
    }

    public InProcessTestCluster Cluster { get; }

    public RedisServer? Redis { get; }

    public IClusterClient Client => Cluster.Client;

    /// <summary>The API's router over this cluster (call <see cref="StartRouterAsync"/> first).</summary>
    public GrainPredictionRouter Router => _apiServices.GetRequiredService<GrainPredictionRouter>();

    public ClusterModel Model => _apiServices.GetRequiredService<ClusterModel>();

    /// <summary>What the API's router counted as answered, by tier.</summary>
    public PredictionMetrics Answered => _apiServices.GetRequiredService<PredictionMetrics>();

    /// <summary>
    /// Starts <paramref name="silos"/> silos over <paramref name="modelPath"/> (default model). Grain storage is
    /// Redis when <paramref name="redis"/> is given, memory otherwise. <paramref name="perSilo"/> adds settings
    /// to one silo by its 0-based index (e.g. another model). <paramref name="routing"/> adds <c>Routing:*</c> settings to the
    /// API's router, and <paramref name="apiLogs"/> receives what its side logs.
    /// </summary>
    public static async Task<PredictionTestCluster> StartAsync(int silos, RedisServer? redis = null, string? modelPath = null,
        Func<int, IDictionary<string, string?>?>? perSilo = null, IDictionary<string, string?>? routing = null, ILoggerProvider? apiLogs = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Model:Path"] = modelPath ?? RepositoryPaths.DefaultModel,
            ["Storage:Provider"] = redis is null ? "None" : "Redis",
            ["Redis:Endpoint"] = redis?.Endpoint,
            ["Redis:ConnectTimeout"] = "00:00:00.500",
            ["Redis:CommandTimeout"] = "00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        var builder = new InProcessTestClusterBuilder((short)silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSiloHost((options, host) =>
        {
            host.Configuration.AddInMemoryCollection(settings);
            int index = InstanceOf(options.SiloName);
            if (perSilo?.Invoke(index) is { } extra)
            {
                host.Configuration.AddInMemoryCollection(extra);
            }
        });
        builder.ConfigureSilo((_, silo) => silo.AddPredictionSilo(silo.Configuration));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new PredictionTestCluster(cluster, redis, routing, apiLogs);
    }

    /// <summary>Learns the cluster's model the way the API does, and waits until it is known.</summary>
    public async Task StartRouterAsync()
    {
        await Model.StartAsync(CancellationToken.None);
        await WaitUntil.TrueAsync(() => Model.Current is not null, TimeSpan.FromSeconds(30), "the router to learn the model");
    }

    /// <summary>A silo's services (its metrics, its storage health).</summary>
    public IServiceProvider ServicesOf(InProcessSiloHandle silo) => Cluster.GetSiloServiceProvider(silo.SiloAddress);

    /// <summary>Texts the model ran on silo <paramref name="silo"/> (its engine's count: the grains' tiers are counted by the API).</summary>
    public long Inferences(InProcessSiloHandle silo) => ServicesOf(silo).GetRequiredService<InferenceMetrics>().TextCount;

    /// <summary>Texts the model ran on all live silos.</summary>
    public long Inferences() => Cluster.GetActiveSilos().Sum(Inferences);

    /// <summary>Waits until every live silo knows every other silo's model (placement reads it).</summary>
    public Task WaitForSiloMetadataAsync() => WaitUntil.TrueAsync(() =>
    {
        var silos = Cluster.GetActiveSilos().ToList();
        return silos.All(silo =>
        {
            var cache = ServicesOf(silo).GetRequiredService<Orleans.Runtime.MembershipService.SiloMetadata.ISiloMetadataCache>();
            return silos.All(other => cache.GetSiloMetadata(other.SiloAddress).Metadata.Count > 0);
        });
    }, TimeSpan.FromSeconds(30), "every silo to know every silo's model");

    /// <summary>The grain for <paramref name="text"/> under the model the router learnt.</summary>
    public IPredictionGrain GrainOf(string text)
    {
        string modelId = Model.Current?.ModelId ?? throw new InvalidOperationException("Start the router first.");
        return Client.GetGrain<IPredictionGrain>(PredictionGrainKey.Format(modelId, PredictionKey.Compute(modelId, text)));
    }

    // TestingHost names silos "Silo_{instance number}".
    private static int InstanceOf(string siloName) =>
        int.Parse(siloName[(siloName.LastIndexOf('_') + 1)..], System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        await Model.StopAsync(CancellationToken.None);
        await _apiServices.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}
