using System.Net.Sockets;
using System.Text;

namespace Tests.EndToEnd;

/// <summary>
/// HTTP/1.1 over a bare socket, for requests HttpClient will not send: bad chunk framing, 1-byte chunks, bodies
/// that trickle in. The request is sent in pieces (with a pause between them) while the answer is read until the
/// server closes the connection.
/// </summary>
public static class RawHttp
{
    /// <summary>A request head (with <c>Connection: close</c>) for <paramref name="path"/>; <paramref name="headers"/> are whole lines.</summary>
    public static byte[] Head(string method, string path, params string[] headers) =>
        Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n");

    /// <summary><paramref name="body"/> in chunked framing, <paramref name="chunkSize"/> bytes a chunk, with the last chunk.</summary>
    public static byte[] Chunked(byte[] body, int chunkSize)
    {
        using var framed = new MemoryStream();
        for (int offset = 0; offset < body.Length; offset += chunkSize)
        {
            int size = Math.Min(chunkSize, body.Length - offset);
            framed.Write(Encoding.ASCII.GetBytes($"{size:x}\r\n"));
            framed.Write(body, offset, size);
            framed.Write("\r\n"u8);
        }
        framed.Write("0\r\n\r\n"u8);
        return framed.ToArray();
    }

    /// <param name="halfClose">After the last piece, shut down the sending side (a FIN) and keep reading.</param>
    public static async Task<RawHttpResponse> SendAsync(Uri server, IReadOnlyList<byte[]> pieces, TimeSpan pause, TimeSpan timeout, bool halfClose = false)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(server.Host, server.Port, deadline.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return new RawHttpResponse(null, "", "", $"connect: {e.Message}");
        }

        var received = new MemoryStream();
        var reading = ReadToCloseAsync(socket, received, deadline.Token);
        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var sending = SendPiecesAsync(socket, pieces, pause, halfClose, stopSending.Token);
        string? failure = await reading;
        stopSending.Cancel();
        await sending;
        return RawHttpResponse.Parse(received.ToArray(), failure);
    }

    /// <summary>Null when the server closed the connection in order; else what went wrong (reset, timeout).</summary>
    private static async Task<string?> ReadToCloseAsync(Socket socket, MemoryStream received, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                int read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                if (read == 0)
                {
                    return null;
                }
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException e)
        {
            return $"receive: {e.SocketErrorCode}";
        }
        catch (OperationCanceledException)
        {
            return "timed out waiting for the server to answer and close";
        }
    }

    private static async Task SendPiecesAsync(Socket socket, IReadOnlyList<byte[]> pieces, TimeSpan pause, bool halfClose, CancellationToken cancellationToken)
    {
        try
        {
            for (int i = 0; i < pieces.Count; i++)
            {
                if (i > 0 && pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, cancellationToken);
                }
                await socket.SendAsync(pieces[i], SocketFlags.None, cancellationToken);
            }
            if (halfClose)
            {
                socket.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server may answer and close before it has read everything (413, 415, 408): its answer decides.
        }
    }
}
