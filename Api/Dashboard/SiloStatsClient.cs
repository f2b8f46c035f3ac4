using System.Net;
using System.Text.Json;
using Api.Routing;
using Grains.Hosting;
using Grains.Interfaces.Wire;
using Metrics;
using Microsoft.Extensions.Options;

namespace Api.Dashboard;

/// <summary>
/// Reads a silo's <c>GET /internal/stats</c> over the internal port (HTTP/2, cluster key), with a short timeout: a
/// silo that does not answer in time shows as unreachable rather than hold the dashboard up.
/// </summary>
public sealed class SiloStatsClient : IDisposable
{
    /// <summary>How long one silo may take; the page refreshes every second or two.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    private readonly HttpClient _http;
    private readonly string _clusterKey;

    public SiloStatsClient(IOptions<SiloClientOptions> options, IOptions<ClusterOptions> cluster)
    {
        _clusterKey = cluster.Value.Key;
        _http = new HttpClient(SiloClient.CreateHandler(options.Value), disposeHandler: true) { Timeout = Timeout };
    }

    /// <summary>The silo's metric families, or null and why not.</summary>
    public async Task<(IReadOnlyList<MetricFamily>? Families, string? Error)> TryGetAsync(Uri silo, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(silo, PredictionWire.StatsPath))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation(PredictionWire.ClusterKeyHeader, _clusterKey);
        try
        {
            using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (null, $"answered {(int)response.StatusCode}");
            }
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var families = await JsonSerializer.DeserializeAsync(body, MetricsJsonContext.Default.MetricFamilyArray, cancellationToken).ConfigureAwait(false);
            return (families, families is null ? "answered null" : null);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or JsonException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, e is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0.#} s" : e.Message);
        }
    }

    public void Dispose() => _http.Dispose();
}
