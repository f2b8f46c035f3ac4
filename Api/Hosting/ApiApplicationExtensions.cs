using Api.Apis;
using Grains.Hosting;
using Grains.Telemetry;

namespace Api.Hosting;

/// <summary>The API's middleware and endpoints.</summary>
public static class ApiApplicationExtensions
{
    public static WebApplication MapPredictionApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.UseSwaggerUI(options =>
        {
            options.RoutePrefix = "docs";
            options.DocumentTitle = "Prediction API";
            options.SwaggerEndpoint("/openapi/v1.json", "Prediction API v1");
        });
        app.MapHealthEndpoints();
        app.MapPrometheusMetrics();
        app.MapPredictApi();
        return app;
    }
}
