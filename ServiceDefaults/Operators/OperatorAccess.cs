using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace PredictionCluster.ServiceDefaults.Operators;

/// <summary>
/// Who may open the operator dashboard (Orleans' dashboard has no authentication of its own): the
/// <see cref="SchemeName"/> authentication scheme and the <see cref="PolicyName"/> policy that requires it. Named for
/// operators, not made the default scheme: other endpoints keep their own rules.
/// </summary>
public static class OperatorAccess
{
    public const string SchemeName = "Operator";

    public const string PolicyName = "Operator";

    /// <summary>The realm of the Basic challenge; a browser shows it in its prompt.</summary>
    public const string Realm = "dashboard";

    /// <summary>
    /// The scheme, the policy, the key (<c>Dashboard:OperatorKey</c>, validated at start), the capture of each
    /// request's TCP peer that the loopback rule reads, and a warning at start when the server listens beyond loopback
    /// with no key (then only loopback gets in).
    /// </summary>
    public static IServiceCollection AddOperatorAccess(this IServiceCollection services, IConfiguration configuration)
    {
        // First of the startup filters, so its middleware is the outermost: ASP.NET Core's own filter for
        // ASPNETCORE_FORWARDEDHEADERS_ENABLED, registered before this, would otherwise rewrite the address first.
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, ConnectionPeerStartupFilter>());
        services.AddOptions<OperatorKeyOptions>().Bind(configuration.GetSection(OperatorKeyOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OperatorKey>();
        // The core services only: AddAuthentication() would bring Data Protection for cookies we do not issue, and with
        // it a key ring written to disk (and a warning at every start in a container).
        services.AddAuthenticationCore();
        services.AddWebEncoders();
        services.TryAddSingleton(TimeProvider.System);
        new AuthenticationBuilder(services).AddScheme<AuthenticationSchemeOptions, OperatorAuthenticationHandler>(SchemeName, configureOptions: null);
        services.AddAuthorizationBuilder().AddPolicy(PolicyName, policy => policy.AddAuthenticationSchemes(SchemeName).RequireAuthenticatedUser());
        services.AddHostedService<UnprotectedListenerWarning>();
        return services;
    }
}
