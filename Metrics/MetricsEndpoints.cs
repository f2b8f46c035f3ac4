using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Metrics;

/// <summary><c>GET /metrics</c>: every exported metric in the Prometheus text format.</summary>
public static class MetricsEndpoints
{
    public const string Path = "/metrics";

    /// <summary>Maps <c>/metrics</c> (not in the OpenAPI document) and starts collecting now, so counts begin at startup.</summary>
    public static RouteHandlerBuilder MapPrometheusMetrics(this IEndpointRouteBuilder app)
    {
        var collector = app.ServiceProvider.GetRequiredService<MetricsCollector>();
        return app.MapGet(Path, () => TypedResults.Text(PrometheusTextWriter.Write(collector.Collect()), PrometheusTextWriter.ContentType))
            .WithName("Metrics")
            .ExcludeFromDescription();
    }
}
