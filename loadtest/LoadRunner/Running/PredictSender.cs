using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using LoadRunner.Measurement;
using LoadRunner.Options;
using LoadRunner.Workload;

namespace LoadRunner.Running;

/// <summary>
/// Sends <c>POST /predict</c> requests over one shared connection pool and records each outcome: latency of a 2xx
/// answer (after its body was read), its <c>X-Cache</c> header, or the failure's status code or exception.
/// </summary>
/// <remarks>
/// Hot path: an HttpMessageInvoker (HttpClient would add a linked cancellation source per request), pre-encoded
/// bodies, timeout sources reused after a reset, the answer drained into a pooled buffer without building a string.
/// </remarks>
internal sealed class PredictSender : IDisposable
{
    private const string CacheHeader = "X-Cache";
    private const int DrainBufferSize = 4096;

    private readonly HttpMessageInvoker _invoker;
    private readonly Uri _url;
    private readonly Version _version;
    private readonly TimeSpan _timeout;
    private readonly ConcurrentQueue<CancellationTokenSource> _idleTimeouts = new();

    public PredictSender(RunOptions options, int maxConnections)
    {
        _url = options.PredictUrl;
        _timeout = options.Timeout;
        _version = options.Http2 ? HttpVersion.Version20 : HttpVersion.Version11;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            EnableMultipleHttp2Connections = true,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            // No trace-context headers: they cost a little per request and the benchmark does not want them.
            ActivityHeadersPropagator = null,
        };
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>
    /// Sends <paramref name="body"/> and records the outcome into <paramref name="statistics"/>, latency measured
    /// from <paramref name="latencyOrigin"/> (a Stopwatch timestamp: the send time in closed loop, the scheduled time
    /// in open loop). Never throws: every failure is counted.
    /// </summary>
    public async Task SendAsync(RequestBody body, long latencyOrigin, RunStatistics statistics)
    {
        statistics.RecordSent();
        var timeout = RentTimeout();
        using var request = new HttpRequestMessage(HttpMethod.Post, _url)
        {
            Content = new JsonBodyContent(body),
            Version = _version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        try
        {
            using var response = await _invoker.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var cache = ReadCacheOutcome(response);
            await DrainAsync(response.Content, timeout.Token).ConfigureAwait(false);
            long latency = MicrosecondsBetween(latencyOrigin, Stopwatch.GetTimestamp());
            int status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                statistics.RecordSuccess(latency, cache);
            }
            else
            {
                statistics.RecordStatusError(status, latency);
            }
        }
        catch (Exception exception)
        {
            statistics.RecordException(FailureKind.Of(exception, timedOut: timeout.IsCancellationRequested));
        }
        finally
        {
            ReturnTimeout(timeout);
        }
    }

    public void Dispose()
    {
        _invoker.Dispose();
        while (_idleTimeouts.TryDequeue(out var timeout))
        {
            timeout.Dispose();
        }
    }

    /// <summary>Microseconds between two Stopwatch timestamps.</summary>
    public static long MicrosecondsBetween(long start, long end) =>
        (long)((end - start) * (1_000_000.0 / Stopwatch.Frequency));

    private static CacheOutcome ReadCacheOutcome(HttpResponseMessage response)
    {
        // NonValidated: no parsing into header value objects, just the raw string.
        if (!response.Headers.NonValidated.TryGetValues(CacheHeader, out var values) || values.Count != 1)
        {
            return CacheOutcome.Unreported;
        }
        string value = values.ToString();
        return value.Equals("hit", StringComparison.OrdinalIgnoreCase) ? CacheOutcome.Hit
            : value.Equals("miss", StringComparison.OrdinalIgnoreCase) ? CacheOutcome.Miss
            : CacheOutcome.Unreported;
    }

    private static async Task DrainAsync(HttpContent content, CancellationToken cancellationToken)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(DrainBufferSize);
        try
        {
            using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            while (await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false) != 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private CancellationTokenSource RentTimeout()
    {
        if (!_idleTimeouts.TryDequeue(out var timeout))
        {
            timeout = new CancellationTokenSource();
        }
        timeout.CancelAfter(_timeout);
        return timeout;
    }

    private void ReturnTimeout(CancellationTokenSource timeout)
    {
        // TryReset stops the timer and clears registrations unless it already fired; a fired one cannot be reused.
        if (timeout.TryReset())
        {
            _idleTimeouts.Enqueue(timeout);
        }
        else
        {
            timeout.Dispose();
        }
    }
}
