using PredictionCluster.ServiceDefaults.Health;
using PredictionCluster.Grains.Hosting;
using PredictionCluster.ServiceDefaults.Operators;
using PredictionCluster.ServiceDefaults.Telemetry;

namespace PredictionCluster.Silo.Hosting;

/// <summary>Builds a silo host; <c>Program</c> runs it, and tests start silos as processes from the same code.</summary>
public static class SiloHost
{
    /// <param name="args">Command-line arguments (configuration overrides).</param>
    /// <param name="settings">Configuration on top of everything else (tests).</param>
    public static WebApplication Build(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        var configuration = builder.Configuration;
        builder.Services.AddOperatorAccess(configuration);
        // A silo process always clusters through Redis: embedded mode is the API co-hosting its silo.
        builder.UseOrleans(silo => silo.UsePredictionRedisClustering(configuration).AddPredictionSilo(configuration).UseKubernetesHostingInPod(configuration));
        builder.AddPredictionTelemetry(TelemetryRole.Silo);

        var app = builder.Build();
        app.MapOperatorDashboard();
        app.MapHealthEndpoints();
        app.MapPrometheusMetrics();
        return app;
    }
}
