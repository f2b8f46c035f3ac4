using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Api.Security;

/// <summary>
/// The per-client policy of ASP.NET Core's rate limiter: a token bucket per API key (or per IP address when the request
/// carries no key), and a 429 problem with <c>Retry-After</c> for a client over its rate.
/// </summary>
public static class ClientRateLimiting
{
    public const string PolicyName = "PerClient";

    public static void Configure(RateLimiterOptions limiter, ClientRateLimitOptions limits)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = WriteRejectionAsync;
        limiter.AddPolicy(PolicyName, context => RateLimitPartition.GetTokenBucketLimiter(ClientOf(context), _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = limits.BucketSize,
            TokensPerPeriod = limits.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0, // over the rate is refused at once, never held
            AutoReplenishment = true,
        }));
    }

    /// <summary>"key:&lt;id&gt;" for a request authenticated by API key, else "ip:&lt;address&gt;".</summary>
    public static string ClientOf(HttpContext context)
    {
        var identity = context.User.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == ApiKeyAuthentication.SchemeName);
        if (identity?.FindFirst(ClaimTypes.NameIdentifier)?.Value is { } keyId)
        {
            return "key:" + keyId;
        }
        var address = context.Connection.RemoteIpAddress;
        // A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; one client, one partition.
        return "ip:" + (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address ?? IPAddress.None);
    }

    private static async ValueTask WriteRejectionAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        // The bucket knows when enough tokens are back; Retry-After is whole seconds, at least one.
        int seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This client is over its rate limit; retry after {seconds} second(s).",
            },
        });
    }
}
