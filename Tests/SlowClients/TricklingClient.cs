using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Tests.EndToEnd;

namespace Tests.SlowClients;

/// <summary>
/// A client that sends a prefix at once and then one byte every <c>interval</c> until the server answers or closes:
/// a slow client, or an attacker holding a connection open (slowloris). <see cref="Started"/> completes once the
/// prefix is sent, so a test knows when the connection is in the server's hands.
/// </summary>
public sealed class TricklingClient
{
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Started => _started.Task;

    /// <summary>How it ended: the server's answer (or none, if it just closed), and how long after the prefix.</summary>
    public sealed record Outcome(RawHttpResponse Response, TimeSpan After);

    public async Task<Outcome> RunAsync(Uri server, byte[] prefix, byte[] trickled, TimeSpan interval, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await socket.ConnectAsync(server.Host, server.Port, deadline.Token);
            await socket.SendAsync(prefix, SocketFlags.None, deadline.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            _started.TrySetException(e);
            throw;
        }
        long sent = Stopwatch.GetTimestamp();
        _started.SetResult();

        using var stopSending = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var sending = TrickleAsync(socket, trickled, interval, stopSending.Token);
        var received = new MemoryStream();
        string? failure = null;
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token) is int read and > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException e)
        {
            failure = $"receive: {e.SocketErrorCode}";
        }
        catch (OperationCanceledException)
        {
            failure = "the server neither answered nor closed";
        }
        var after = Stopwatch.GetElapsedTime(sent);
        stopSending.Cancel();
        await sending;
        return new Outcome(RawHttpResponse.Parse(received.ToArray(), failure), after);
    }

    private static async Task TrickleAsync(Socket socket, byte[] trickled, TimeSpan interval, CancellationToken cancellationToken)
    {
        try
        {
            foreach (byte b in trickled)
            {
                await Task.Delay(interval, cancellationToken);
                await socket.SendAsync(new[] { b }, SocketFlags.None, cancellationToken);
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The server cut the connection: what it answered decides.
        }
    }

    /// <summary>A POST /predict head declaring <paramref name="contentLength"/> bytes of JSON.</summary>
    public static byte[] PredictHead(int contentLength) =>
        RawHttp.Head("POST", "/predict", "Content-Type: application/json", $"Content-Length: {contentLength}");

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}
