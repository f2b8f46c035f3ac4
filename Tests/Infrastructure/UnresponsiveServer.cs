using System.Net;
using System.Net.Sockets;

namespace Tests.Infrastructure;

/// <summary>
/// A TCP server on a free loopback port that accepts connections and reads everything sent to it but never writes
/// a byte: a hung Redis, as a client sees it. Counts the connections it accepted.
/// </summary>
public sealed class UnresponsiveServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationToken _stopping;
    private readonly List<Socket> _accepted = [];
    private readonly Task _acceptLoop;
    private int _connections;
    private long _bytesReceived;

    public UnresponsiveServer()
    {
        _stopping = _stop.Token;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync();
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>Connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Bytes received on all connections so far.</summary>
    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_accepted)
        {
            foreach (var socket in _accepted)
            {
                socket.Dispose();
            }
        }
        try
        {
            await _acceptLoop;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            var socket = await _listener.AcceptSocketAsync(_stopping);
            Interlocked.Increment(ref _connections);
            lock (_accepted)
            {
                _accepted.Add(socket);
            }
            _ = DrainAsync(socket);
        }
    }

    private async Task DrainAsync(Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            int received;
            while ((received = await socket.ReceiveAsync(buffer, SocketFlags.None, _stopping)) > 0)
            {
                Interlocked.Add(ref _bytesReceived, received);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client closed it, or we are stopping.
        }
        finally
        {
            socket.Dispose();
        }
    }
}
