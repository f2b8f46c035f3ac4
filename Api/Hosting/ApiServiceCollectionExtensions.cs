using Api.Prediction;
using Api.Routing;
using Grains.Hosting;
using Grains.Interfaces;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Api.Hosting;

/// <summary>Cross-cutting setup of the API host (the role of a ServiceDefaults project).</summary>
public static class ApiServiceCollectionExtensions
{
    /// <summary>Embedded mode: the API with one co-hosted silo.</summary>
    public static WebApplicationBuilder AddEmbeddedPredictionApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ApiOptions>().Bind(builder.Configuration.GetSection(ApiOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddProblemDetails();
        services.AddOpenApi();
        services.AddPredictionSilo(builder.Configuration);
        services.AddSingleton<IPredictionRouter, EmbeddedPredictionRouter>();
        services.AddSingleton(static sp => new PredictResponseWriter(sp.GetRequiredService<IPredictionRouter>().Model));
        // Kestrel's own cap matches the API's so an oversized body is cut off while it streams in.
        services.AddOptions<KestrelServerOptions>().Configure<IOptions<ApiOptions>>((kestrel, api) => kestrel.Limits.MaxRequestBodySize = api.Value.MaxBodyBytes);
        return builder;
    }
}
