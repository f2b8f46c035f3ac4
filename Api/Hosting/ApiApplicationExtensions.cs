using PredictionCluster.ServiceDefaults.Health;
using PredictionCluster.Api.Apis;
using PredictionCluster.Api.Security;
using PredictionCluster.Grains.Hosting;
using PredictionCluster.ServiceDefaults.Operators;
using PredictionCluster.ServiceDefaults.Telemetry;

namespace PredictionCluster.Api.Hosting;

/// <summary>The API's middleware and endpoints.</summary>
public static class ApiApplicationExtensions
{
    public static WebApplication MapPredictionApi(this WebApplication app)
    {
        app.UseTrustedForwardedHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseApiSecurity();
        app.MapOpenApi();
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "docs";
            options.DocumentTitle = "Prediction API";
            options.SwaggerEndpoint("/openapi/v1.json", "Prediction API v1");
        });
        app.MapHealthEndpoints();
        app.MapPrometheusMetrics();
        app.MapOperatorDashboard();
        // /predict alone takes API keys and the rate limit: probes, Prometheus and the docs keep working without a key.
        app.MapGroup("").RequireApiSecurity(app.Services).MapPredictApi();
        app.MapGroup("").RequireApiSecurity(app.Services).MapInfoApi();
        return app;
    }
}
