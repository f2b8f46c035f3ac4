using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace Grains.Hosting;

/// <summary>
/// <c>/health/live</c>: restart this process when unhealthy (checks tagged live; a silo that lost its cluster
/// membership). <c>/health/ready</c>: send traffic only when healthy (model loaded and warmed up, not draining;
/// Degraded, still 200, while grain storage fails). The same two endpoints on the API and on silos.
/// </summary>
public static class HealthEndpoints
{
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Live) });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) });
        return app;
    }
}
