using Grains.Inference;
using Grains.Inference.Batching;
using Grains.Inference.Model;
using Grains.Interfaces;
using Grains.Prediction;
using Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Grains.Hosting;

/// <summary>Wires a silo: model, inference grain, activation table, grain storage, readiness.</summary>
public static class SiloServiceCollectionExtensions
{
    public static IServiceCollection AddPredictionSilo(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ModelOptions>().Bind(configuration.GetSection(ModelOptions.SectionName))
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path), "Model:Path must name a model directory.")
            .ValidateOnStart();
        services.AddOptions<InferenceOptions>().Bind(configuration.GetSection(InferenceOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ActivationOptions>().Bind(configuration.GetSection(ActivationOptions.SectionName)).ValidateDataAnnotations()
            .Validate(o => o.IdleTimeout > TimeSpan.Zero && o.CollectionInterval > TimeSpan.Zero, "Activations:IdleTimeout and CollectionInterval must be positive.")
            .ValidateOnStart();
        services.AddOptions<MemoryStoreOptions>().Bind(configuration.GetSection(MemoryStoreOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();

        services.AddSingleton(SiloModelFactory.Create);
        services.AddSingleton<SiloReadiness>();
        // Hosted services start in registration order: the warm-up runs before inference workers start.
        services.AddHostedService<SiloStartup>();

        services.AddMetrics();
        services.AddSingleton<InferenceMetrics>();
        services.AddSingleton<PredictionMetrics>();

        services.AddSingleton<InferenceGrain>();
        services.AddSingleton<IInferenceGrain>(static sp => sp.GetRequiredService<InferenceGrain>());
        services.AddHostedService(static sp => sp.GetRequiredService<InferenceGrain>());

        services.AddSingleton<ActivationTable>();
        services.AddHostedService<ActivationCollector>();
        AddStorage(services, configuration);

        services.AddSingleton<PredictionSilo>();
        services.AddSingleton<IPredictionSilo>(static sp => sp.GetRequiredService<PredictionSilo>());

        services.AddHealthChecks()
            .AddCheck<ModelHealthCheck>("model", tags: [HealthTags.Ready])
            .AddCheck<InferenceHealthCheck>("inference", tags: [HealthTags.Ready]);
        return services;
    }

    private static void AddStorage(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.SectionName));
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        if (storage.Provider == StorageProvider.Redis)
        {
            services.AddRedis(configuration);
            services.AddSingleton<IPredictionStore, RedisPredictionStore>();
        }
        else
        {
            services.AddSingleton<IPredictionStore, MemoryPredictionStore>();
        }
    }
}
