using System.Net;
using System.Net.Sockets;

namespace Tests.Security;

/// <summary>An HttpClient whose connections come from a chosen loopback address (127.0.0.0/8 is all loopback on Linux): another client IP.</summary>
public static class LoopbackClient
{
    public static HttpClient From(IPAddress local, Uri server) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { BaseAddress = server, Timeout = TimeSpan.FromSeconds(30) };
}
