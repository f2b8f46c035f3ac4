using Api.Apis;
using Api.Dashboard;
using Api.Prediction;
using Api.Routing;
using Grains.Hosting;
using Grains.Security;
using Inference.Model;
using Metrics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace Api.Hosting;

/// <summary>Cross-cutting setup of the API host (the role of a ServiceDefaults project).</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>How the co-hosted silo of embedded mode is named (metrics, dashboard).</summary>
    public const string EmbeddedSiloId = "embedded";

    /// <summary>
    /// The API in the mode <c>Cluster:Mode</c> names: <c>Embedded</c> (default) co-hosts one silo in this
    /// process; <c>Redis</c> makes it an Orleans client of the silos registered in Redis.
    /// </summary>
    public static WebApplicationBuilder AddPredictionApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var configuration = builder.Configuration;
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddSingleton<PredictResponseWriter>();
        services.AddSingleton<RejectedRequestMetrics>();
        // Kestrel's own cap matches the API's so an oversized body is cut off while it streams in.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiOptions>>((kestrel, api) => kestrel.Limits.MaxRequestBodySize = api.Value.MaxBodyBytes);

        var mode = ClusterSettings.ModeIn(configuration);
        if (mode == ClusterMode.Embedded)
        {
            builder.UseOrleans(silo =>
            {
                // One silo clustering with nothing; the co-hosted client needs no gateway.
                silo.UseLocalhostClustering(siloPort: EmbeddedPorts.SiloPort(configuration), gatewayPort: 0);
                silo.AddPredictionSilo(configuration);
            });
            services.AddOperatorDashboard(embedded: true);
            services.AddPrometheusMetrics(static sp => new BuildInfo("embedded", EmbeddedSiloId, () => sp.GetRequiredService<SentimentModel>().ModelId));
        }
        else
        {
            var redis = ClusterSettings.RedisIn(configuration);
            builder.UseOrleansClient(client =>
            {
                client.UseRedisClustering(options => options.ConfigurationOptions = redis.ToConfigurationOptions());
                client.Services.Configure<ClusterOptions>(configuration.GetSection("Orleans"));
                client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromSeconds(5));
                client.UseClusterTls(configuration);
                client.UseConnectionRetryFilter<ClusterConnectionRetryFilter>();
            });
            // The client's start waits for a gateway (ClusterConnectionRetryFilter); Kestrel starts beside it, not
            // after it, so health and 503s are served meanwhile.
            services.Configure<HostOptions>(options => options.ServicesStartConcurrently = true);
            services.TryAddSingleton(TimeProvider.System);
            services.AddOperatorDashboard(embedded: false);
            services.AddPrometheusMetrics(static sp => new BuildInfo("api", null, () => sp.GetRequiredService<ClusterModel>().Current?.ModelId));
        }

        services.AddGrainCallPipeline(configuration);
        services.AddSingleton<ClusterModel>();
        services.AddHostedService(static sp => sp.GetRequiredService<ClusterModel>());
        services.AddSingleton<IPredictionRouter, GrainPredictionRouter>();
        services.AddHealthChecks().AddCheck<ClusterModelHealthCheck>("cluster", tags: [HealthTags.Ready]);
        return builder;
    }
}
