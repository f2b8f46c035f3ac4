using Grains.Hosting;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;

// A silo on its own: the model, the grains and health endpoints. In embedded mode the API co-hosts
// the same services instead (Api/Hosting); the internal endpoint for API-to-silo calls comes with cluster mode.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddPredictionSilo(builder.Configuration);

var app = builder.Build();
app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) });
return await StartupGuard.RunAsync(app);
