using Api.Apis;
using Api.Dashboard;
using Api.Prediction;
using Api.Routing;
using Grains.Hosting;
using Grains.Membership;
using Grains.Interfaces;
using Metrics;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Api.Hosting;

/// <summary>Cross-cutting setup of the API host (the role of a ServiceDefaults project).</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>How the co-hosted silo of embedded mode is named (metrics, dashboard).</summary>
    public const string EmbeddedSiloId = "embedded";

    /// <summary>
    /// The API in the mode <c>Membership:Provider</c> names: <c>None</c> (default) co-hosts one silo in
    /// this process (embedded); <c>Redis</c> or <c>Static</c> routes to the silos of a cluster.
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

        var membership = MembershipOptions.ProviderIn(configuration);
        if (membership == MembershipProvider.None)
        {
            services.AddPredictionSilo(configuration);
            services.AddSingleton<IPredictionRouter, EmbeddedPredictionRouter>();
            services.AddOperatorDashboard(embedded: true);
            services.AddPrometheusMetrics(static sp => new BuildInfo("embedded", EmbeddedSiloId, () => sp.GetRequiredService<IPredictionSilo>().Model.ModelId));
        }
        else
        {
            services.AddMembershipView(configuration);
            services.AddSiloClient(configuration);
            services.AddSingleton<ClusterModel>();
            services.AddHostedService(static sp => sp.GetRequiredService<ClusterModel>());
            services.AddSingleton<RoutingMetrics>();
            services.AddSingleton<IPredictionRouter, ClusterPredictionRouter>();
            services.AddHealthChecks().AddCheck<ClusterHealthCheck>("cluster", tags: [HealthTags.Ready]);
            services.AddOperatorDashboard(embedded: false);
            services.AddPrometheusMetrics(static sp => new BuildInfo("api", null, () => sp.GetRequiredService<ClusterModel>().Current?.ModelId));
        }
        return builder;
    }
}
