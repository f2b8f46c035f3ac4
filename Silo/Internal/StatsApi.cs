using Grains.Interfaces.Wire;
using Metrics;

namespace Silo.Internal;

/// <summary>
/// <c>GET /internal/stats</c>: this silo's metric families as JSON (<see cref="MetricsJsonContext"/>), the same
/// aggregates <c>/metrics</c> writes, for the API's operator dashboard. On the internal group, so the cluster key guards it.
/// </summary>
public static class StatsApi
{

    public static RouteGroupBuilder MapSiloStats(this RouteGroupBuilder internalApi)
    {
        internalApi.MapGet(PredictionWire.StatsPath, static (MetricsCollector collector) => TypedResults.Json([.. collector.Collect()], MetricsJsonContext.Default.MetricFamilyArray))
            .WithName("InternalStats")
            .ExcludeFromDescription();
        return internalApi;
    }
}
