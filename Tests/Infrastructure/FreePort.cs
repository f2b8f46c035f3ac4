using System.Net;
using System.Net.Sockets;

namespace Tests.Infrastructure;

/// <summary>Loopback ports for servers the tests start (Redis, silos, the API).</summary>
public static class FreePort
{
    // Ports handed out by this process, never reused by it (a killed server's port stays reserved for its restart).
    private static readonly HashSet<int> s_usedPorts = [];

    /// <summary>
    /// A loopback port below the ephemeral range (so no outgoing connection can hold it, not even a client's
    /// reconnect attempt while the server is down) that is free now and not yet handed out by this process.
    /// </summary>
    public static int Reserve()
    {
        int ephemeralStart = EphemeralRangeStart();
        int low = 10000;
        int high = Math.Max(low + 1000, ephemeralStart);
        lock (s_usedPorts)
        {
            for (int attempt = 0; attempt < 1000; attempt++)
            {
                int port = Random.Shared.Next(low, high);
                if (s_usedPorts.Contains(port) || !IsFree(port))
                {
                    continue;
                }
                s_usedPorts.Add(port);
                return port;
            }
        }
        throw new InvalidOperationException($"No free loopback port in [{low}, {high}).");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0]);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return 32768;
        }
    }
}
