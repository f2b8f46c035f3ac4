using Grains.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

namespace Silo;

/// <summary>
/// A silo on its own: the model, the grains and health endpoints. In embedded mode the API co-hosts the same
/// services instead (Api/Hosting). A named class rather than top-level statements, so that Tests can reference
/// this project next to the Api project, whose entry point is the global <c>Program</c>.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddPredictionSilo(builder.Configuration);

        var app = builder.Build();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) });
        return await StartupGuard.RunAsync(app);
    }
}
