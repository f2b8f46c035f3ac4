using System.Reflection;

namespace Api.Dashboard;

/// <summary>
/// The live operator dashboard: <c>GET /dashboard</c> (one static page, its script and style, embedded in this
/// assembly: no CDN, no build step) and <c>GET /dashboard/state</c> (the figures it polls every second).
/// </summary>
public static class DashboardApi
{
    // Only the page's own files: no inline script, no other origin.
    private const string ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly (string Path, string Resource, string ContentType)[] Assets =
    [
        ("/dashboard", "dashboard.html", "text/html; charset=utf-8"),
        ("/dashboard/dashboard.js", "dashboard.js", "text/javascript; charset=utf-8"),
        ("/dashboard/dashboard.css", "dashboard.css", "text/css; charset=utf-8"),
    ];

    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        foreach (var (path, resource, contentType) in Assets)
        {
            byte[] content = Load(resource);
            app.MapGet(path, (HttpContext context) =>
            {
                context.Response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                context.Response.Headers.CacheControl = "no-cache";
                return TypedResults.Bytes(content, contentType);
            }).ExcludeFromDescription();
        }
        app.MapGet("/dashboard/state", static async (DashboardStateSource source, HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            return TypedResults.Json(await source.GetAsync(context.RequestAborted), DashboardJsonContext.Default.DashboardState);
        }).WithName("DashboardState").ExcludeFromDescription();
        return app;
    }

    private static byte[] Load(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("Api.Dashboard." + resource)
            ?? throw new InvalidOperationException($"The dashboard's {resource} is not embedded in the Api assembly.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
