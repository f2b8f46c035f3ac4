using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace PredictionCluster.ServiceDefaults.Health;

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
        // Once the host is stopping, ready is 503 without running the checks: the health check service logs every
        // Unhealthy result at Error, and a draining process is a normal stop, not an error.
        var stopping = app.ServiceProvider.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var ready = app.CreateApplicationBuilder()
            .Use(next => context => stopping.IsCancellationRequested ? WriteDrainingAsync(context) : next(context))
            .UseMiddleware<HealthCheckMiddleware>(Options.Create(new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) }))
            .Build();
        app.Map("/health/ready", ready).WithDisplayName("Health checks");
        return app;
    }

    /// <summary>What the health check middleware answers when a check is unhealthy: 503, "Unhealthy", not cached.</summary>
    private static Task WriteDrainingAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.CacheControl = "no-store, no-cache";
        context.Response.ContentType = "text/plain";
        return context.Response.WriteAsync(nameof(HealthStatus.Unhealthy));
    }
}
