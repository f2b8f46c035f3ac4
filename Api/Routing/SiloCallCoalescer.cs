using System.Collections.Concurrent;
using Grains.Interfaces;
using Microsoft.Extensions.Options;

namespace Api.Routing;

/// <summary>
/// Merges concurrent requests' calls to the same silo into one. Each silo gets at most
/// <see cref="SiloClientOptions.MaxCallsInFlightPerSilo"/> calls at a time; a request for texts answered before
/// that finds them all busy waits, and the next call to go out carries every waiting request's items
/// (deduplicated). A request with a new text never waits: it needs the model, and would hold up the cached ones. Under light load a
/// call leaves at once, alone; under heavy load the per-call cost of the hop (an HTTP/2 stream on both sides,
/// headers, a task per call on the silo) is shared by many requests. The wait is the time a call already in
/// flight takes; a 2 ms watcher (<see cref="SiloCallLane.MaxWait"/>) sends the waiting requests itself when
/// every call in flight is slow.
/// </summary>
public sealed class SiloCallCoalescer(SiloClient client, RoutingMetrics metrics, IOptions<SiloClientOptions> options)
{
    private readonly ConcurrentDictionary<Uri, SiloCallLane> _lanes = new();
    private readonly AnsweredKeys _answered = new();
    private readonly SiloClient _client = client;
    private readonly RoutingMetrics _metrics = metrics;
    private readonly int _maxInFlight = options.Value.MaxCallsInFlightPerSilo;

    /// <summary>Scores <paramref name="items"/> on <paramref name="silo"/>, alone or merged with other requests' items.</summary>
    public Task<PredictionResult[]> PredictAsync(Uri silo, string modelId, IReadOnlyList<PredictionItem> items, CancellationToken cancellationToken) =>
        _lanes.GetOrAdd(silo, static (uri, self) => new SiloCallLane(uri, self._client, self._metrics, self._answered, self._maxInFlight), this)
            .PredictAsync(modelId, items, cancellationToken);
}
