using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace PredictionCluster.Api.Security;

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
        // The authentication middleware reads the key of every request, so the rate limiter, which runs before
        // authorization answers 401, knows whose bucket a request spends (see UseApiSecurity).
        services.AddOptions<AuthenticationOptions>().Configure<ApiKeySet>((authentication, keys) =>
        {
            if (keys.IsEnabled)
            {
                authentication.DefaultAuthenticateScheme = ApiKeyAuthentication.SchemeName;
            }
        });
        services.AddAuthorizationBuilder().AddPolicy(ApiKeyAuthentication.PolicyName, policy =>
            policy.AddAuthenticationSchemes(ApiKeyAuthentication.SchemeName).RequireAuthenticatedUser());

        services.AddOptions<ClientRateLimitOptions>().Bind(configuration.GetSection(ClientRateLimitOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ClientPartitions>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<ClientPartitions>(ClientRateLimiting.Configure);

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
    /// The middleware, in order: the API key read (authentication), the rate limit, which partitions by the key found,
    /// then the policy of the endpoint (authorization: 401 without a valid key). The limit comes before the 401, so a
    /// missing or wrong key spends the bucket of the client's address: keys cannot be guessed faster than the limit.
    /// </summary>
    public static WebApplication UseApiSecurity(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
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
