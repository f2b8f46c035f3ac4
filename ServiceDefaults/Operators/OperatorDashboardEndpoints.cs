using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Orleans.Dashboard;

namespace PredictionCluster.ServiceDefaults.Operators;

/// <summary>Orleans' dashboard at <c>/dashboard</c>, the page and its data endpoints alike, for operators only.</summary>
public static class OperatorDashboardEndpoints
{
    public const string RoutePrefix = "/dashboard";

    /// <remarks>
    /// Needs <see cref="OperatorAccess.AddOperatorAccess"/>; <c>WebApplication</c> adds the authorization middleware
    /// itself once authorization services are registered.
    /// </remarks>
    public static IEndpointRouteBuilder MapOperatorDashboard(this IEndpointRouteBuilder app)
    {
        app.MapOrleansDashboard(routePrefix: RoutePrefix)
            .RequireAuthorization(OperatorAccess.PolicyName)
            .ExcludeFromDescription();
        return app;
    }
}
