using PredictionCluster.Api.Routing;
using PredictionCluster.Grains.Interfaces;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PredictionCluster.Api.NearCache;

public static class NearCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <see cref="IPredictionRouter"/>: the grains behind the near cache, or the grains alone when
    /// <c>NearCache:Capacity</c> is 0.
    /// </summary>
    public static IServiceCollection AddPredictionRouter(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NearCacheOptions>().Bind(configuration.GetSection(NearCacheOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<GrainPredictionRouter>();
        services.TryAddSingleton(typeof(GrainReferenceFactory<>));
        services.AddSingleton(static sp => new PredictionNearCache(Math.Max(2, sp.GetRequiredService<IOptions<NearCacheOptions>>().Value.Capacity)));
        services.AddSingleton<IPredictionRouter>(static sp => sp.GetRequiredService<IOptions<NearCacheOptions>>().Value.Capacity == 0
            ? sp.GetRequiredService<GrainPredictionRouter>()
            : ActivatorUtilities.CreateInstance<NearCachePredictionRouter>(sp));
        return services;
    }
}
