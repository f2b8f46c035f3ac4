using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PredictionCluster.Api.Drift;

/// <summary>Prediction drift: the options (section <c>Drift</c>, validated at start), the windows and their watch.</summary>
public static class DriftServiceCollectionExtensions
{
    public static IServiceCollection AddPredictionDrift(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DriftOptions>().Bind(configuration.GetSection(DriftOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<DriftMonitor>();
        services.AddHostedService<DriftWatch>();
        return services;
    }
}
