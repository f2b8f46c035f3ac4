using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PredictionCluster.Grains.Storage;

/// <summary>Registers the storage tier in front of the keyed grain storage <c>predictions</c> (which the host adds).</summary>
public static class StorageTierExtensions
{
    /// <summary>
    /// The breaker and budgets (<see cref="StoragePipeline"/>), the background writer, the probe, and the grains' view of
    /// it all (<c>PredictionStore</c>). Needs <see cref="StorageOptions"/>, a <see cref="TimeProvider"/> and metrics.
    /// </summary>
    public static IServiceCollection AddPredictionStorageTier(this IServiceCollection services)
    {
        services.TryAddSingleton<StorageCircuit>();
        services.TryAddSingleton<StorageMetrics>();
        services.TryAddSingleton<GuardedGrainStorage>();
        services.TryAddSingleton<PredictionStorageWriter>();
        services.TryAddSingleton<StorageProbe>();
        services.TryAddSingleton<PredictionStore>();
        services.AddStoragePipeline();
        return services;
    }
}
