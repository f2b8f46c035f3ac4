using System.Net;

namespace PredictionCluster.ServiceDefaults.Operators;

/// <summary>
/// The address of the TCP peer a request came on, as Kestrel accepted the connection. Set before any other middleware
/// runs (<see cref="ConnectionPeerStartupFilter"/>): the forwarded-headers middleware rewrites
/// <c>HttpContext.Connection.RemoteIpAddress</c> from <c>X-Forwarded-For</c>, which a client writes itself.
/// </summary>
public sealed class ConnectionPeerFeature(IPAddress? address)
{
    /// <summary>The peer's address; null when the connection has none (an in-memory test server, a Unix socket).</summary>
    public IPAddress? Address { get; } = address;
}
