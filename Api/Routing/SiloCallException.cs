using System.Net;

namespace Api.Routing;

/// <summary>
/// A call to a silo failed. <see cref="Retryable"/> says whether the same call may succeed elsewhere or later
/// (the silo was unreachable, went away, timed out or was overloaded) or will fail the same way (the silo
/// refused the call itself: bad request, wrong cluster key, too large).
/// </summary>
public class SiloCallException : Exception
{
    public SiloCallException(Uri silo, string message, bool retryable, HttpStatusCode? statusCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Silo = silo;
        Retryable = retryable;
        StatusCode = statusCode;
    }

    /// <summary>The silo that was called.</summary>
    public Uri Silo { get; }

    /// <summary>True for transport failures, timeouts and 503: worth retrying (on another silo or after a pause).</summary>
    public bool Retryable { get; }

    /// <summary>The silo's answer when it answered with an error; null when no answer came.</summary>
    public HttpStatusCode? StatusCode { get; }
}
