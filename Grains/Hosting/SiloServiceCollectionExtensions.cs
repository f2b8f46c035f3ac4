using Grains.Inference;
using Grains.Inference.Batching;
using Grains.Inference.Model;
using Grains.Interfaces;
using Grains.Prediction;
using Grains.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

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

        services.AddSingleton(static sp =>
        {
            var options = sp.GetRequiredService<IOptions<ModelOptions>>().Value;
            string root = Path.Combine(sp.GetRequiredService<IHostEnvironment>().ContentRootPath, options.Path);
            var directory = ModelDirectory.Open(root, options.MaxTokens);
            return SentimentModel.Load(directory, sp.GetRequiredService<IOptions<InferenceOptions>>().Value.ToSessionSettings(), options.OnnxRuntimePath);
        });
        services.AddSingleton<SiloReadiness>();
        // Registration order is start order: the model loads before inference workers start.
        services.AddHostedService<SiloStartup>();

        services.AddMetrics();
        services.AddSingleton<InferenceMetrics>();
        services.AddSingleton<PredictionMetrics>();

        services.AddSingleton<InferenceGrain>();
        services.AddSingleton<IInferenceGrain>(static sp => sp.GetRequiredService<InferenceGrain>());
        services.AddHostedService(static sp => sp.GetRequiredService<InferenceGrain>());

        services.AddSingleton<ActivationTable>();
        services.AddHostedService<ActivationCollector>();
        services.AddSingleton<IPredictionStore, MemoryPredictionStore>();

        services.AddSingleton<PredictionSilo>();
        services.AddSingleton<IPredictionSilo>(static sp => sp.GetRequiredService<PredictionSilo>());

        services.AddHealthChecks().AddCheck<ModelHealthCheck>("model", tags: [HealthTags.Ready]);
        return services;
    }
}
