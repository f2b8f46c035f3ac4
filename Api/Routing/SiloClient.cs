using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Grains.Hosting;
using Grains.Interfaces;
using Grains.Interfaces.Wire;
using Microsoft.Extensions.Options;

namespace Api.Routing;

/// <summary>
/// Calls silos' internal API over HTTP/2 cleartext with prior knowledge (h2c: no upgrade, no TLS): one shared
/// connection pool for all silos, many calls multiplexed on a connection, the cluster key on every call.
/// Failures are <see cref="SiloCallException"/>s that say whether retrying can help; the caller's own
/// cancellation is an <see cref="OperationCanceledException"/>, as usual.
/// </summary>
public sealed partial class SiloClient : IDisposable
{
    // A silo's answer is ~10 bytes a text plus 4 a label; anything near this is not a silo talking.
    private const int MaxResponseBytes = 64 * 1024 * 1024;

    // Bytes of an error answer kept for the exception message.
    private const int MaxErrorBodyBytes = 2048;

    private readonly HttpClient _http;
    private readonly string _clusterKey;
    private readonly TimeSpan _callTimeout;
    private readonly ILogger<SiloClient> _logger;

    public SiloClient(IOptions<SiloClientOptions> options, IOptions<ClusterOptions> cluster, ILogger<SiloClient> logger)
    {
        var settings = options.Value;
        _clusterKey = cluster.Value.Key;
        _callTimeout = settings.CallTimeout;
        _logger = logger;
        // The per-call timeout is ours (a linked token), so that a timeout can be told from the caller cancelling.
        _http = new HttpClient(CreateHandler(settings), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>
    /// Scores <paramref name="items"/> (keyed for <paramref name="modelId"/>) on <paramref name="silo"/>; results
    /// in item order. Throws <see cref="SiloModelMismatchException"/> when the silo serves another model.
    /// </summary>
    public async Task<PredictionResult[]> PredictAsync(Uri silo, string modelId, IReadOnlyList<PredictionItem> items, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(silo);
        using var content = new SiloClientRequestContent(PredictionRequestCodec.EstimateSize(modelId, items));
        PredictionRequestCodec.Write(content, modelId, items);
        if (content.Length > PredictionWire.MaxRequestBytes)
        {
            // The silo would answer 413; saying so here saves sending it.
            throw Failure(silo, $"a batch of {items.Count} items takes {content.Length} bytes, over the {PredictionWire.MaxRequestBytes} a silo accepts; split it", retryable: false);
        }

        using var request = NewRequest(HttpMethod.Post, silo, PredictionWire.PredictPath);
        request.Content = content;
        try
        {
            var results = await SendAsync(silo, request, ReadPredictionsAsync, cancellationToken).ConfigureAwait(false);
            if (results.Length != items.Count)
            {
                throw Failure(silo, $"it answered {results.Length} results for {items.Count} items", retryable: false);
            }
            return results;
        }
        catch (SiloCallException e) when (LogFailure(e))
        {
            throw; // not reached: the filter only logs
        }
    }

    /// <summary>The model <paramref name="silo"/> serves.</summary>
    public async Task<ModelDescriptor> GetModelAsync(Uri silo, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(silo);
        using var request = NewRequest(HttpMethod.Get, silo, PredictionWire.ModelPath);
        try
        {
            return await SendAsync(silo, request, ReadModelAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (SiloCallException e) when (LogFailure(e))
        {
            throw; // not reached: the filter only logs
        }
    }

    public void Dispose() => _http.Dispose();

    internal static SocketsHttpHandler CreateHandler(SiloClientOptions options) => new()
    {
        ConnectTimeout = options.ConnectTimeout,
        // One connection's stream limit (100 by default in Kestrel) must not queue calls behind each other.
        EnableMultipleHttp2Connections = true,
        // Connections are renewed now and then (the address is resolved again, load spreads over fresh
        // connections) and dropped when idle, so that silos nobody calls any more hold no sockets.
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        // HTTP/2 pings notice a silo that vanished without closing its sockets (host down, network cut) before
        // a call waits on it for its whole timeout; also between calls, so the next one gets a live connection.
        KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
        KeepAlivePingDelay = TimeSpan.FromSeconds(10),
        KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
        // Cluster-internal traffic: never through a proxy from the environment, no cookies, no redirects.
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
    };

    private HttpRequestMessage NewRequest(HttpMethod method, Uri silo, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(silo, path))
        {
            // h2c with prior knowledge: HTTP/2 from the first byte, never a fallback to HTTP/1.1.
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation(PredictionWire.ClusterKeyHeader, _clusterKey);
        return request;
    }

    /// <summary>Sends, turns error answers and transport failures into <see cref="SiloCallException"/>s, and reads a 200 with <paramref name="readAnswer"/>.</summary>
    private async Task<T> SendAsync<T>(Uri silo, HttpRequestMessage request, Func<Uri, HttpResponseMessage, CancellationToken, Task<T>> readAnswer, CancellationToken cancellationToken)
    {
        using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        call.CancelAfter(_callTimeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, call.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw await ErrorAnswerAsync(silo, response, call.Token).ConfigureAwait(false);
            }
            return await readAnswer(silo, response, call.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            // The caller's own cancellation, reported against the caller's token (not the linked one inside).
            throw e.CancellationToken == cancellationToken ? e : new OperationCanceledException(e.Message, e, cancellationToken);
        }
        catch (OperationCanceledException e) when (call.IsCancellationRequested)
        {
            throw Failure(silo, $"no answer within {_callTimeout.TotalSeconds:0.###} s", retryable: true, inner: e);
        }
        catch (OperationCanceledException e)
        {
            // Not our token: SocketsHttpHandler's connect timeout.
            throw Failure(silo, $"could not connect ({e.Message})", retryable: true, inner: e);
        }
        catch (HttpRequestException e)
        {
            // Connection refused or reset, GOAWAY, refused stream, protocol errors: the silo is down, going down or unreachable.
            throw Failure(silo, $"{Describe(e.HttpRequestError)} ({e.Message})", retryable: true, inner: e);
        }
        catch (IOException e)
        {
            // The answer broke off mid-body.
            throw Failure(silo, $"the connection broke ({e.Message})", retryable: true, inner: e);
        }
    }

    private static async Task<PredictionResult[]> ReadPredictionsAsync(Uri silo, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string? mediaType = response.Content.Headers.ContentType?.MediaType;
        if (!PredictionWire.IsContentType(mediaType))
        {
            throw Failure(silo, $"it answered 200 with content type '{mediaType}', not {PredictionWire.ContentType}", retryable: false);
        }
        if (response.Content.Headers.ContentLength > MaxResponseBytes)
        {
            throw Failure(silo, $"its answer of {response.Content.Headers.ContentLength} bytes is over the {MaxResponseBytes} accepted", retryable: false);
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        // Pooled segments rather than a byte[] the size of the answer; the codec reads them as one sequence.
        // (Not ReadAtLeastAsync(limit): a stream reader would rent one buffer of that size for it.)
        int segmentBytes = (int)Math.Clamp(response.Content.Headers.ContentLength ?? 0, 4096, 64 * 1024);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: segmentBytes, leaveOpen: true));
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (read.Buffer.Length > MaxResponseBytes)
                {
                    reader.AdvanceTo(read.Buffer.End);
                    throw Failure(silo, $"its answer is over the {MaxResponseBytes} bytes accepted", retryable: false);
                }
                if (!read.IsCompleted)
                {
                    reader.AdvanceTo(read.Buffer.Start, read.Buffer.End); // keep it all, wait for more
                    continue;
                }
                try
                {
                    return PredictionResponseCodec.Read(read.Buffer);
                }
                catch (WireFormatException e)
                {
                    throw Failure(silo, $"its answer is malformed ({e.Message})", retryable: false, inner: e);
                }
                finally
                {
                    reader.AdvanceTo(read.Buffer.End);
                }
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    private static async Task<ModelDescriptor> ReadModelAsync(Uri silo, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ModelDescriptor? model;
        try
        {
            model = await response.Content.ReadFromJsonAsync(WireJsonContext.Default.ModelDescriptor, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException e)
        {
            throw Failure(silo, $"its model descriptor is not valid JSON ({e.Message})", retryable: false, inner: e);
        }
        if (model is not { ModelId.Length: > 0, Labels.Count: > 0, MaxTokens: > 0 })
        {
            throw Failure(silo, "its model descriptor lacks the model id, the labels or the token limit", retryable: false);
        }
        return model;
    }

    /// <summary>The exception for a non-200 answer; 409 means another model, 503 overload or draining (retryable).</summary>
    private static async Task<SiloCallException> ErrorAnswerAsync(Uri silo, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        string detail = await ReadErrorDetailAsync(response, cancellationToken).ConfigureAwait(false);
        string message = $"Call to silo {silo} failed: it answered {(int)status} {status} ({detail}).";
        return status switch
        {
            HttpStatusCode.Conflict => new SiloModelMismatchException(silo, message),
            HttpStatusCode.ServiceUnavailable => new SiloCallException(silo, message, retryable: true, status),
            _ => new SiloCallException(silo, message, retryable: false, status),
        };
    }

    /// <summary>The <c>detail</c> (else <c>title</c>) of a ProblemDetails answer, else the start of the body as text.</summary>
    private static async Task<string> ReadErrorDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        byte[] body;
        try
        {
            var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            body = new byte[MaxErrorBodyBytes];
            int read = await stream.ReadAtLeastAsync(body, body.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            Array.Resize(ref body, read);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "(the body broke off)";
        }
        if (body.Length == 0)
        {
            return "(no body)";
        }
        try
        {
            using var problem = JsonDocument.Parse(body);
            if (problem.RootElement.ValueKind == JsonValueKind.Object
                && (problem.RootElement.TryGetProperty("detail", out var text) || problem.RootElement.TryGetProperty("title", out text))
                && text.ValueKind == JsonValueKind.String)
            {
                return text.GetString()!;
            }
        }
        catch (JsonException)
        {
            // Not ProblemDetails (or cut at the limit): the raw text says what it can.
        }
        return Encoding.UTF8.GetString(body);
    }

    private static SiloCallException Failure(Uri silo, string cause, bool retryable, Exception? inner = null) =>
        new(silo, $"Call to silo {silo} failed: {cause}.", retryable, innerException: inner);

    /// <summary>Logs a failure from an exception filter (false: the exception flies on, unwound once). The router decides how loud a failure is; here it is Debug.</summary>
    private bool LogFailure(SiloCallException e)
    {
        LogCallFailed(e.Silo, e.Retryable, e.Message);
        return false;
    }

    private static string Describe(HttpRequestError error) => error switch
    {
        HttpRequestError.ConnectionError => "could not connect, or the connection was lost",
        HttpRequestError.NameResolutionError => "its host name does not resolve",
        HttpRequestError.HttpProtocolError => "the HTTP/2 exchange failed (stream reset or connection closing)",
        HttpRequestError.ResponseEnded => "the answer ended early",
        HttpRequestError.VersionNegotiationError => "it does not speak HTTP/2 cleartext on this port",
        _ => "the transport failed",
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Call to silo {Silo} failed (retryable: {Retryable}): {Message}")]
    private partial void LogCallFailed(Uri silo, bool retryable, string message);
}
