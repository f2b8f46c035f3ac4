using Silo.Membership;

namespace Silo.Hosting;

/// <summary>
/// The silo listens twice: <c>Kestrel:Endpoints:Http</c> (HTTP/1.1 and 2: health, metrics) and
/// <c>Kestrel:Endpoints:Internal</c> (HTTP/2 only: API-to-silo calls). This reads the latter.
/// </summary>
public static class SiloEndpoints
{
    public const string InternalUrlKey = "Kestrel:Endpoints:Internal:Url";

    /// <summary>The internal endpoint's bind URL; the silo cannot serve the cluster without one.</summary>
    public static Uri InternalUrl(IConfiguration configuration) =>
        Uri.TryCreate(configuration[InternalUrlKey]?.Replace("://*", "://0.0.0.0").Replace("://+", "://0.0.0.0"), UriKind.Absolute, out var url)
            ? url
            : throw new InvalidOperationException($"{InternalUrlKey} must be set to the URL of the silo's internal (HTTP/2) endpoint.");

    /// <summary>What to advertise: <see cref="SiloOptions.AdvertisedUrl"/>, else the bind URL with a routable host.</summary>
    public static string AdvertisedUrl(SiloOptions options, Uri internalUrl)
    {
        if (!string.IsNullOrWhiteSpace(options.AdvertisedUrl))
        {
            return options.AdvertisedUrl;
        }
        bool wildcard = internalUrl.Host is "0.0.0.0" or "[::]" or "::";
        return wildcard ? new UriBuilder(internalUrl) { Host = System.Net.Dns.GetHostName() }.Uri.ToString().TrimEnd('/') : internalUrl.ToString().TrimEnd('/');
    }
}
