using Grains.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Api.Routing;

/// <summary>Registers <see cref="SiloClient"/> and its options.</summary>
public static class SiloClientServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <c>Routing</c> (timeouts) and <c>Cluster</c> (the key sent on every call: required,
    /// as silos refuse calls without it) at startup, and registers one shared <see cref="SiloClient"/> and the <see cref="SiloCallCoalescer"/> in front of it.
    /// </summary>
    public static IServiceCollection AddSiloClient(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SiloClientOptions>().Bind(configuration.GetSection(SiloClientOptions.SectionName))
            .Validate(o => o.ConnectTimeout > TimeSpan.Zero && o.CallTimeout > TimeSpan.Zero, "Routing:ConnectTimeout and Routing:CallTimeout must be positive.")
            .Validate(o => o.MaxCallsInFlightPerSilo >= 1, "Routing:MaxCallsInFlightPerSilo must be at least 1.")
            .ValidateOnStart();
        services.AddOptions<ClusterOptions>().Bind(configuration.GetSection(ClusterOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<SiloClient>();
        services.TryAddSingleton<SiloCallCoalescer>();
        return services;
    }
}
