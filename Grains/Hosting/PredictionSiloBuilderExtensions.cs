using PredictionCluster.ServiceDefaults.Cluster;
using PredictionCluster.ServiceDefaults.Health;
using PredictionCluster.Inference;
using PredictionCluster.Grains.Inference;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Model;
using PredictionCluster.Grains.Placement;
using PredictionCluster.Grains.Prediction;
using PredictionCluster.ServiceDefaults.Security;
using PredictionCluster.Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Serialization;
using Orleans.Storage;

namespace PredictionCluster.Grains.Hosting;

/// <summary>
/// Wires a prediction silo (co-hosted by the API in embedded mode, or the Silo process): the model and its
/// batching engine, the grains' storage, placement by model, activation limits, membership, readiness, Orleans' dashboard.
/// </summary>
public static class PredictionSiloBuilderExtensions
{
    /// <summary>Everything but clustering, which the host chooses (<see cref="UsePredictionRedisClustering"/>, localhost, or a test cluster's).</summary>
    public static ISiloBuilder AddPredictionSilo(this ISiloBuilder silo, IConfiguration configuration)
    {
        var services = silo.Services;
        var model = OpenModelDirectory(configuration);
        services.AddSingleton(model);
        services.AddOptions<InferenceOptions>().Bind(configuration.GetSection(InferenceOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(SiloModelFactory.Create);
        services.AddSingleton<SiloReadiness>();
        // Hosted services start in registration order: the warm-up runs before inference workers start.
        services.AddHostedService<SiloStartup>();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<InferenceMetrics>();
        services.AddSingleton<MemoryPressure>();
        services.AddSingleton<InferenceEngine>();
        services.TryAddSingleton(typeof(GrainReferenceFactory<>));
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, InferenceEngineLifecycle>();
        services.AddSingleton<StorageHealth>();
        services.AddHealthChecks()
            .AddCheck<ModelHealthCheck>("model", tags: [HealthTags.Ready])
            .AddCheck<InferenceHealthCheck>("inference", tags: [HealthTags.Ready])
            .AddCheck<StorageHealthCheck>("storage", tags: [HealthTags.Ready]);

        // Each silo names its model, so PredictionGrains are placed only where their key's model is served.
        silo.UseSiloMetadata(new Dictionary<string, string> { [SiloModelMetadata.Key] = model.ModelId });
        services.AddPlacementDirector<ModelHashPlacement, ModelHashPlacementDirector>();
        // Orleans' dashboard: each silo reports its figures and its grains' calls to it; the API and every silo
        // serve the page (Operators/OperatorDashboardEndpoints).
        silo.AddDashboard();
        services.Configure<GrainCollectionOptions>(ConfigureCollection);
        services.Configure<GrainCollectionOptions>(configuration.GetSection("Orleans:GrainCollection"));

        // Grain calls carry the caller's trace context (a request's trace spans API and grains).
        silo.AddActivityPropagation();

        AddStorage(silo, configuration);
        // Mutual TLS on the silo and gateway ports when Orleans:Tls:Enabled (off by default, and so in embedded mode).
        silo.UseClusterTls(configuration);
        return silo;
    }

    /// <summary>
    /// Membership in Redis (Orleans' Redis clustering) with fast failure detection, and a liveness check that
    /// fails when this silo's row is gone. Keep that Redis durable (AOF): the member table does not come back
    /// by itself when Redis loses its data.
    /// </summary>
    public static ISiloBuilder UsePredictionRedisClustering(this ISiloBuilder silo, IConfiguration configuration)
    {
        var redis = ClusterSettings.RedisIn(configuration);
        silo.UseRedisClustering(options => options.ConfigurationOptions = redis.ToConfigurationOptions());
        silo.Services.Configure<ClusterMembershipOptions>(ClusterSettings.ApplyFastFailureDetection);
        silo.Services.Configure<ClusterMembershipOptions>(configuration.GetSection(ClusterSettings.MembershipSection));
        silo.Services.AddHealthChecks().AddCheck<MembershipRowHealthCheck>("membership", tags: [HealthTags.Live]);
        return silo;
    }

    /// <summary>
    /// Idle PredictionGrains are collected after <c>Orleans:GrainCollection:CollectionAge</c>; above
    /// <c>MemoryUsageLimitPercentage</c> of the memory available to the process the runtime sheds activations down to
    /// <c>MemoryUsageTargetPercentage</c>. An activation costs about 2 KB of heap here; a collected one comes back
    /// from grain storage when asked again.
    /// </summary>
    /// <remarks>
    /// Orleans measures the GC's committed bytes less its fragmentation against the GC's total available memory: in a
    /// container, the heap hard limit (75 % of the pod's limit). At 80/70, with 10 M new texts streamed through HTTP
    /// into a 2 GiB pod, the GC had a fifth of its limit left for the shed activations' garbage and its allocation
    /// budgets: OutOfMemoryException in the collector, in grain-call addressing and in two requests (HTTP 500). At
    /// 60/50 the same stream threw none, for about a fifth fewer activations at most (the near cache in front of them
    /// is unchanged). docs/performance.md, "Memory stream through HTTP".
    /// </remarks>
    private static void ConfigureCollection(GrainCollectionOptions options)
    {
        options.CollectionAge = TimeSpan.FromMinutes(30);
        options.CollectionQuantum = TimeSpan.FromMinutes(1);
        options.EnableActivationSheddingOnMemoryPressure = true;
        options.MemoryUsageLimitPercentage = 60;
        options.MemoryUsageTargetPercentage = 50;
    }

    /// <summary>
    /// The predictions' grain storage: nothing (<see cref="StorageProvider.None"/>), or Redis: <c>Storage:Redis</c> when
    /// it names one (a cache of its own, bounded by its <c>maxmemory</c>), else the top-level <c>Redis</c> it then
    /// shares with the member table (bounded by <c>Storage:TimeToLive</c> and <c>volatile-lru</c>).
    /// </summary>
    private static void AddStorage(ISiloBuilder silo, IConfiguration configuration)
    {
        silo.Services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        silo.Services.AddOptions<StorageOptions>().Configure(options => StorageOptions.Bind(configuration, options)).ValidateOnStart();
        // Grains reach storage through its tier: reads within a budget, writes in the background, a breaker.
        silo.Services.AddPredictionStorageTier();
        var storage = StorageOptions.From(configuration);
        if (storage.Provider == StorageProvider.None)
        {
            silo.Services.AddKeyedSingleton<IGrainStorage, NoGrainStorage>(PredictionStorage.Name);
            return;
        }
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, PredictionStorageLifecycle>();
        var redis = storage.RedisOr(ClusterSettings.RedisIn(configuration));
        silo.AddRedisGrainStorage(PredictionStorage.Name, (OptionsBuilder<Orleans.Persistence.RedisStorageOptions> options) => options.Configure<Serializer, IOptions<ClusterOptions>>((o, serializer, cluster) =>
        {
            o.ConfigurationOptions = redis.ToConfigurationOptions();
            o.GetStorageKey = PredictionRedisKey.For(cluster.Value.ServiceId);
            o.EntryExpiry = storage.TimeToLive > TimeSpan.Zero ? storage.TimeToLive : null;
            // Orleans' binary serializer: 16 bytes of data for two scores, where the default JSON with type names takes 136.
            o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
        }));
    }

    /// <summary>
    /// Opens (and hashes) the model directory while the host is built: its id goes into the silo's metadata.
    /// A missing or corrupt model stops startup here with a <see cref="ModelLoadException"/>.
    /// </summary>
    private static ModelDirectory OpenModelDirectory(IConfiguration configuration)
    {
        var options = configuration.GetSection(ModelOptions.SectionName).Get<ModelOptions>() ?? new ModelOptions();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            throw new ModelLoadException("Model:Path must name a model directory.");
        }
        string contentRoot = configuration[HostDefaults.ContentRootKey] ?? Directory.GetCurrentDirectory();
        return ModelDirectory.Open(Path.Combine(contentRoot, options.Path), options.MaxTokens);
    }
}
