using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PredictionCluster.ServiceDefaults.Operators;

/// <summary>
/// The <see cref="OperatorAccess.SchemeName"/> scheme: a request from a loopback address is an operator (a shell on
/// the machine, <c>kubectl port-forward</c>); any other must present the operator key, as the password of HTTP Basic
/// (any user name, so a browser prompts for it) or as <c>Authorization: Bearer &lt;key&gt;</c>. The challenge is a
/// 401 with <c>WWW-Authenticate: Basic realm="dashboard"</c>.
/// </summary>
/// <remarks>
/// The address is the TCP peer's (<see cref="ConnectionPeerFeature"/>), never <c>Connection.RemoteIpAddress</c>, which
/// the API's forwarded-headers middleware rewrites from <c>X-Forwarded-For</c>: a header cannot make a request
/// loopback. Without the feature no request is loopback. A proxy inside the same pod or host (a service-mesh sidecar)
/// does make every request loopback: there, set a key and keep the dashboard off the proxy's routes.
/// </remarks>
internal sealed class OperatorAuthenticationHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, OperatorKey key)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>Longest Authorization header read: a key of a few hundred characters, Base64 and a user name fit.</summary>
    private const int MaxAuthorizationLength = 4096;

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (IsLoopback(Context.Features.Get<ConnectionPeerFeature>()?.Address))
        {
            return Task.FromResult(Success("loopback"));
        }
        var headers = Request.Headers.Authorization;
        if (headers.Count == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (headers.Count > 1 || !TryReadPresentedKey(headers[0], out string? presented))
        {
            return Task.FromResult(AuthenticateResult.Fail("The Authorization header is neither Basic nor Bearer credentials."));
        }
        if (!key.Matches(presented))
        {
            return Task.FromResult(AuthenticateResult.Fail(key.IsConfigured ? "Wrong operator key." : "No operator key is configured (Dashboard:OperatorKey)."));
        }
        return Task.FromResult(Success("operator key"));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"Basic realm=\"{OperatorAccess.Realm}\"";
        return Task.CompletedTask;
    }

    /// <summary>A peer on 127.0.0.0/8 or ::1, also when an IPv6 socket reports it as <c>::ffff:127.0.0.1</c>.</summary>
    internal static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>The key in <c>Basic base64(user:key)</c> (the password; any user name) or in <c>Bearer key</c>.</summary>
    internal static bool TryReadPresentedKey(string? authorization, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? presented)
    {
        presented = null;
        if (authorization is null || authorization.Length > MaxAuthorizationLength || !AuthenticationHeaderValue.TryParse(authorization, out var header)
            || string.IsNullOrEmpty(header.Parameter))
        {
            return false;
        }
        if (header.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            presented = header.Parameter;
            return true;
        }
        if (!header.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        byte[] decoded = new byte[header.Parameter.Length];
        if (!Convert.TryFromBase64String(header.Parameter, decoded, out int length))
        {
            return false;
        }
        string credentials;
        try
        {
            credentials = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(decoded, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
        int colon = credentials.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }
        presented = credentials[(colon + 1)..];
        return true;
    }

    private AuthenticateResult Success(string how)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, how)], Scheme.Name);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }
}
