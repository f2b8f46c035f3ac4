using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace PredictionCluster.ServiceDefaults.Operators;

/// <summary>
/// Records each request's <see cref="ConnectionPeerFeature"/> ahead of the whole pipeline. A startup filter rather than
/// a <c>Use</c> call in a host: it runs before the middleware <c>WebApplication</c> adds by itself (routing,
/// authentication and authorization on a silo) and before any a host adds, so nothing has rewritten the address yet.
/// </summary>
internal sealed class ConnectionPeerStartupFilter : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(static (context, next) =>
        {
            context.Features.Set(new ConnectionPeerFeature(context.Connection.RemoteIpAddress));
            return next(context);
        });
        next(app);
    };
}
