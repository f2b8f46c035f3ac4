using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Api.Security;

/// <summary>
/// API keys, the per-client rate limit and trusted proxies, wired from configuration. Each is off unless configured
/// (<c>ApiKeys</c>, <c>RateLimit</c>, <c>ForwardedHeaders</c>); off, it adds nothing to a request's path.
/// </summary>
public static class ApiSecurityExtensions
{
    public static IServiceCollection AddApiSecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiKeyOptions>().Bind(configuration.GetSection(ApiKeyOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ApiKeyOptions>, ApiKeyOptionsValidator>();
        services.AddSingleton(static sp => ApiKeySet.From(sp.GetRequiredService<IOptions<ApiKeyOptions>>().Value));
        // The core services only, as the operator scheme does: AddAuthentication() brings Data Protection (a key ring on
        // disk, a warning at every start in a read-only container) for cookies nobody issues.
        services.AddAuthenticationCore();
        new AuthenticationBuilder(services).AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(ApiKeyAuthentication.PolicyName, policy =>
            policy.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser());

        services.AddOptions<ClientRateLimitOptions>().Bind(configuration.GetSection(ClientRateLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ClientRateLimitOptions>>((limiter, limits) => ClientRateLimiting.Configure(limiter, limits.Value));

        services.AddOptions<ForwardedHeadersSettings>().Bind(configuration.GetSection(ForwardedHeadersSettings.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ForwardedHeadersSettings>>((forwarded, settings) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor;
            // Walk X-Forwarded-For back through every trusted proxy to the first address that is not one (the client),
            // however many proxies there are (load balancer, then Ingress).
            forwarded.ForwardLimit = null;
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in settings.Value.Networks)
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
        return services;
    }

    /// <summary>
    /// The middleware, in order: the client's address from trusted proxies (before anything reads it), the API key
    /// (authentication, then the policy of the endpoint), then the rate limit, which partitions by the key found.
    /// </summary>
    public static WebApplication UseApiSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>Believes X-Forwarded-For from the configured proxies only; nothing when none are configured.</summary>
    public static WebApplication UseTrustedForwardedHeaders(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ForwardedHeadersSettings>>().Value.IsEnabled)
        {
            app.UseForwardedHeaders();
        }
        return app;
    }

    /// <summary>The endpoints of <paramref name="group"/> ask for an API key and obey the per-client rate limit, when configured.</summary>
    public static RouteGroupBuilder RequireApiSecurity(this RouteGroupBuilder group, IServiceProvider services)
    {
        if (services.GetRequiredService<ApiKeySet>().IsEnabled)
        {
            group.RequireAuthorization(ApiKeyAuthentication.PolicyName).ProducesProblem(StatusCodes.Status401Unauthorized);
        }
        if (services.GetRequiredService<IOptions<ClientRateLimitOptions>>().Value.IsEnabled)
        {
            group.RequireRateLimiting(ClientRateLimiting.PolicyName).ProducesProblem(StatusCodes.Status429TooManyRequests);
        }
        return group;
    }
}
