using Grains.Hosting;
using Grains.Interfaces;
using Grains.Membership;
using Metrics;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Silo.Internal;
using Silo.Membership;

namespace Silo.Hosting;

/// <summary>Builds a silo host; <c>Program</c> runs it, and cluster tests start several in one process.</summary>
public static class SiloHost
{
    /// <param name="args">Command-line arguments (configuration overrides).</param>
    /// <param name="settings">Configuration on top of everything else (tests).</param>
    public static WebApplication Build(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        var configuration = builder.Configuration;
        var services = builder.Services;
        var internalUrl = SiloEndpoints.InternalUrl(configuration);

        services.AddPredictionSilo(configuration);
        services.AddInternalApi(configuration);
        services.AddOptions<SiloOptions>().Bind(configuration.GetSection(SiloOptions.SectionName))
            .PostConfigure(o =>
            {
                o.Id = string.IsNullOrWhiteSpace(o.Id) ? Environment.MachineName : o.Id;
                o.AdvertisedUrl = SiloEndpoints.AdvertisedUrl(o, internalUrl);
            });
        services.AddPrometheusMetrics(static sp => new BuildInfo("silo", sp.GetRequiredService<IOptions<SiloOptions>>().Value.Id,
            () => sp.GetRequiredService<IPredictionSilo>().Model.ModelId));
        var membership = MembershipOptions.ProviderIn(configuration);
        if (membership == MembershipProvider.Redis)
        {
            services.AddMembershipTable(configuration);
            services.AddHostedService<MembershipHeartbeat>();
        }

        var app = builder.Build();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains(HealthTags.Ready) });
        // Internal calls only on the internal port: the public port may be exposed wider (probes, scraping).
        // Metrics only on the public port: that is the one Prometheus may reach (NetworkPolicy).
        int internalPort = internalUrl.Port;
        app.MapPrometheusMetrics().AddEndpointFilter((context, next) =>
            context.HttpContext.Connection.LocalPort != internalPort ? next(context) : ValueTask.FromResult<object?>(Results.NotFound()));
        app.MapInternalApi().MapSiloStats().AddEndpointFilter((context, next) =>
            context.HttpContext.Connection.LocalPort == internalPort ? next(context) : ValueTask.FromResult<object?>(Results.NotFound()));
        return app;
    }
}
