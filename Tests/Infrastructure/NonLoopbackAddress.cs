using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Tests.Infrastructure;

/// <summary>
/// An IPv4 address of this machine that is not loopback (eth0's, say): a server bound to it and called on it sees
/// the call come from that address, so tests get requests "from beyond loopback" over real TCP without a second host.
/// </summary>
public static class NonLoopbackAddress
{
    /// <summary>The first such address of an interface that is up, or null on a machine with loopback only.</summary>
    public static IPAddress? Find { get; } = Search();

    public static IPAddress Required => Find ?? throw new InvalidOperationException("This machine has no non-loopback IPv4 address.");

    private static IPAddress? Search()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .Where(i => i.OperationalStatus == OperationalStatus.Up && i.NetworkInterfaceType != NetworkInterfaceType.Loopback)
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address)
                .FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a) && !IsLinkLocal(a));
        }
        catch (NetworkInformationException)
        {
            return null;
        }
    }

    private static bool IsLinkLocal(IPAddress address) => address.GetAddressBytes() is [169, 254, ..];
}
