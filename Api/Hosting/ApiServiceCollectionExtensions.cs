using PredictionCluster.ServiceDefaults.Health;
using PredictionCluster.ServiceDefaults.Http;
using PredictionCluster.ServiceDefaults.Cluster;
using PredictionCluster.Api.Apis;
using PredictionCluster.Api.NearCache;
using PredictionCluster.Api.Payloads;
using PredictionCluster.Api.Prediction;
using PredictionCluster.Api.Routing;
using PredictionCluster.Api.Security;
using PredictionCluster.Api.Telemetry;
using PredictionCluster.ServiceDefaults.Operators;
using PredictionCluster.Grains.Hosting;
using PredictionCluster.Grains.Prediction;
using PredictionCluster.ServiceDefaults.Security;
using PredictionCluster.ServiceDefaults.Telemetry;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Api.Drift;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Dashboard;

namespace PredictionCluster.Api.Hosting;

/// <summary>Cross-cutting setup of the API host (the role of a ServiceDefaults project).</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>The name of the co-hosted silo of embedded mode (dashboard, <c>target_info</c>).</summary>
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
        services.AddOperatorAccess(configuration);
        services.AddSingleton<PredictResponseWriter>();
        services.AddSingleton<RejectedRequestMetrics>();
        services.AddApiSecurity(configuration);
        // Kestrel:Limits (timeouts, data rates, connections), then Kestrel's body cap set to the API's so an oversized
        // body is cut off while it streams in.
        // Requests run on the socket's I/O thread instead of being handed to the thread pool: a cached answer is a
        // hash and a lookup, and the hand-off (a wake-up of a pool thread per request) cost more CPU than the request
        // (docs/performance.md, "Cached requests"). Nothing on the request path blocks; grain calls resume on Orleans'
        // threads as before.
        services.Configure<SocketTransportOptions>(sockets => sockets.UnsafePreferInlineScheduling = true);
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiOptions>>((kestrel, api) =>
        {
            KestrelLimits.Apply(configuration, kestrel.Limits);
            kestrel.Limits.MaxRequestBodySize = api.Value.MaxBodyBytes;
        });

        var mode = ClusterSettings.ModeIn(configuration);
        if (mode == ClusterMode.Embedded)
        {
            builder.UseOrleans(silo =>
            {
                // One silo clustering with nothing; the co-hosted client needs no gateway.
                silo.UseLocalhostClustering(siloPort: EmbeddedPorts.SiloPort(configuration), gatewayPort: 0);
                silo.Configure<SiloOptions>(options => options.SiloName = EmbeddedSiloId);
                silo.AddPredictionSilo(configuration);
            });
            // One engine takes every text of a request, and admits a request whole: its queue must hold one.
            services.AddOptions<ApiOptions>().Validate<IOptions<InferenceOptions>>(static (api, inference) => inference.Value.QueueCapacity >= api.MaxTexts,
                "Inference:QueueCapacity is smaller than Api:MaxTexts: a request is admitted whole, so the inference queue must hold one; raise it or lower Api:MaxTexts.");
            builder.AddPredictionTelemetry(TelemetryRole.Embedded);
        }
        else
        {
            var redis = ClusterSettings.RedisIn(configuration);
            builder.UseOrleansClient(client =>
            {
                client.UseRedisClustering(options => options.ConfigurationOptions = redis.ToConfigurationOptions());
                client.Services.Configure<ClusterOptions>(configuration.GetSection("Orleans"));
                // The client learns that a gateway's silo was declared dead from this refresh, and only then stops sending
                // through it: calls routed through a paused gateway are repeated through another one once it has.
                client.Configure<GatewayOptions>(options => options.GatewayListRefreshPeriod = TimeSpan.FromMilliseconds(500));
                // ...and from that moment every call in flight is repeated through a live one (GatewayLossSignal).
                client.AddGatewayCountChangedHandler(static sp => sp.GetRequiredService<GatewayLossSignal>().OnGatewayCountChanged);
                // The dashboard's page on the API reads the silos' figures through this client.
                client.AddDashboard();
                // Grain calls carry the request's trace context to the silos.
                client.AddActivityPropagation();
                client.UseClusterTls(configuration);
                client.UseConnectionRetryFilter<ClusterConnectionRetryFilter>();
            });
            // The client's start waits for a gateway (ClusterConnectionRetryFilter); Kestrel starts beside it, not
            // after it, so health and 503s are served meanwhile.
            services.Configure<HostOptions>(options => options.ServicesStartConcurrently = true);
            builder.AddPredictionTelemetry(TelemetryRole.Api);
        }

        services.AddGrainCallPipeline(configuration, mode);
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ClusterModel>(sp, mode == ClusterMode.Embedded));
        services.AddHostedService(static sp => sp.GetRequiredService<ClusterModel>());
        services.TryAddSingleton<PredictionMetrics>();
        services.AddPredictionDrift(configuration);
        services.TryAddSingleton<ModelQualityMetrics>();
        services.AddPredictionRouter(configuration);
        // After the telemetry: the payload log's OTLP logs share its resource (service, instance, role).
        builder.AddPayloadLog();
        services.AddHealthChecks().AddCheck<ClusterModelHealthCheck>("cluster", tags: [HealthTags.Ready]);
        return builder;
    }
}
