using System.Net.Http;
using System.Net.Sockets;

namespace LoadRunner.Measurement;

/// <summary>Names a failed request's exception for the report: a few common causes by name, otherwise by type.</summary>
internal static class FailureKind
{
    /// <summary>The request ran out of its <c>--timeout</c>.</summary>
    public const string Timeout = "timeout";

    /// <summary>Nothing listens at the address.</summary>
    public const string ConnectionRefused = "connection_refused";

    /// <summary>The server closed or reset the connection mid-request.</summary>
    public const string ConnectionReset = "connection_reset";

    /// <summary>
    /// The name under which <paramref name="exception"/> is counted. <paramref name="timedOut"/> says the request's
    /// own timeout fired, which surfaces as a cancellation.
    /// </summary>
    public static string Of(Exception exception, bool timedOut)
    {
        if (timedOut || exception is TimeoutException)
        {
            return Timeout;
        }
        for (Exception? inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException socket)
            {
                return socket.SocketErrorCode switch
                {
                    SocketError.ConnectionRefused => ConnectionRefused,
                    SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown => ConnectionReset,
                    SocketError.TimedOut => Timeout,
                    var code => "socket_" + code,
                };
            }
        }
        return exception is HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http
            ? $"{nameof(HttpRequestException)}.{http.HttpRequestError}"
            : exception.GetType().Name;
    }
}
