using System.Net;
using System.Net.Sockets;
using System.Text;
using Redis.Protocol;

namespace Tests.Infrastructure;

/// <summary>
/// A fake Redis on a free loopback port that answers each command with whatever bytes the test's function returns,
/// written in many small pieces with pauses in between, so that a client receives every reply split across reads
/// at arbitrary points. Commands are parsed with the client's own RESP parser (a command is a RESP array).
/// </summary>
public sealed class ScriptedRedisServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Func<string[], byte[]> _answer;
    private readonly Random _random;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _acceptLoop;

    public ScriptedRedisServer(Func<string[], byte[]> answer, int seed)
    {
        _answer = answer;
        _random = new Random(seed);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptLoopAsync(_stop.Token);
    }

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task AcceptLoopAsync(CancellationToken stop)
    {
        var clients = new List<Task>();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var socket = await _listener.AcceptSocketAsync(stop);
                socket.NoDelay = true;
                clients.Add(ServeAsync(socket, stop));
            }
        }
        finally
        {
            await Task.WhenAll(clients);
        }
    }

    private async Task ServeAsync(Socket socket, CancellationToken stop)
    {
        using var _ = socket;
        var parser = new RespParser();
        var buffer = new byte[64 * 1024];
        int length = 0;
        try
        {
            while (true)
            {
                int received = await socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None, stop);
                if (received == 0)
                {
                    return;
                }
                length += received;
                int start = 0;
                int consumed;
                while (parser.TryRead(buffer.AsSpan(start, length - start), out consumed, out var command))
                {
                    start += consumed;
                    var arguments = command.Items!.Select(item => Encoding.UTF8.GetString(item.Bytes!)).ToArray();
                    await WriteInPiecesAsync(socket, _answer(arguments), stop);
                }
                start += consumed;
                buffer.AsSpan(start, length - start).CopyTo(buffer);
                length -= start;
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away, or we are stopping.
        }
    }

    private async Task WriteInPiecesAsync(Socket socket, byte[] reply, CancellationToken stop)
    {
        int offset = 0;
        while (offset < reply.Length)
        {
            int size;
            int pause;
            lock (_random)
            {
                // Mostly a few bytes (splitting headers and CRLFs), sometimes a large chunk.
                size = _random.Next(10) == 0 ? _random.Next(1, 20_000) : _random.Next(1, 12);
                pause = _random.Next(50);
            }
            size = Math.Min(size, reply.Length - offset);
            await socket.SendAsync(reply.AsMemory(offset, size), SocketFlags.None, stop);
            offset += size;
            if (pause == 0)
            {
                // Now and then long enough for the client to read what has arrived so far.
                await Task.Delay(1, stop);
            }
        }
    }
}
