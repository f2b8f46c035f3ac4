using PredictionCluster.ServiceDefaults.Cluster;
using System.Reflection;
using PredictionCluster.Api.Routing;
using PredictionCluster.Grains.Hosting;

namespace PredictionCluster.Api.Apis;

/// <summary>
/// <c>GET /info</c>: what is served, for a client or an operator checking a deployment: the model (id, labels, token
/// limit), the batch limits of the silo that described it, the mode, the number of active silos, and the build.
/// </summary>
public static class InfoApi
{
    // The silo count is a membership read through a grain call: bounded, and null when it does not come.
    private static readonly TimeSpan SiloCountTimeout = TimeSpan.FromSeconds(2);

    private static readonly string Version = typeof(InfoApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public static IEndpointRouteBuilder MapInfoApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/info", GetAsync)
            .WithName("Info")
            .WithSummary("What is served")
            .WithDescription("The model (id, labels, token limit), the silos' batch limits, the mode, the active silos and the build. 503 until a silo has described the model.")
            .Produces<ServiceInfo>(StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<IResult> GetAsync(ClusterModel model, IGrainFactory grains, IConfiguration configuration, CancellationToken cancellationToken)
    {
        if (model.Current is not { } current)
        {
            return TypedResults.Problem(title: "Model not known yet", detail: "No silo has described the model yet; try again shortly.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
        int? silos = null;
        try
        {
            var hosts = await grains.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(SiloCountTimeout, cancellationToken);
            silos = hosts.Count;
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            // The answer stays useful without the count.
        }
        var mode = ClusterSettings.ModeIn(configuration) == ClusterMode.Embedded ? "embedded" : "cluster";
        return TypedResults.Json(
            new ServiceInfo(new ModelInfo(current.ModelId, current.Labels, current.MaxTokens),
                current.MaxBatchSize > 0 ? new BatchLimits(current.MaxBatchSize, current.MaxBatchTokens) : null,
                mode, silos, Version),
            InfoJsonContext.Default.ServiceInfo);
    }
}
