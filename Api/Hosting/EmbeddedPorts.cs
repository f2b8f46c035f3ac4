using System.Net;
using System.Net.Sockets;

namespace PredictionCluster.Api.Hosting;

/// <summary>
/// The co-hosted silo of embedded mode listens on loopback for silo-to-silo traffic that never comes (it
/// clusters with nothing). <c>Orleans:Endpoints:SiloPort</c> names the port; by default a free one is taken, so
/// several embedded servers (and test hosts) run side by side.
/// </summary>
public static class EmbeddedPorts
{
    public static int SiloPort(IConfiguration configuration)
    {
        int configured = configuration.GetValue("Orleans:Endpoints:SiloPort", 0);
        if (configured > 0)
        {
            return configured;
        }
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
