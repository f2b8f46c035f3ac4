using Grains.Interfaces;
using Grains.Interfaces.Wire;

namespace Api.Routing;

/// <summary>
/// The calls to one silo (see <see cref="SiloCallCoalescer"/>): a count of calls in flight and the requests
/// waiting for one to finish. Whoever finishes a call takes the waiting requests that fit into one call and sends
/// them, so the lane never sits idle with requests waiting. Only requests whose texts were answered before wait
/// (<see cref="AnsweredKeys"/>); the others go out at once. A waiting request never waits longer than
/// <see cref="MaxWait"/>: when every call in flight is slow (texts that need the model), the waiting requests
/// go out in one extra call rather than queue behind them, so cached texts keep their sub-millisecond path.
/// </summary>
internal sealed class SiloCallLane(Uri silo, SiloClient client, RoutingMetrics metrics, AnsweredKeys answered, int maxInFlight)
{
    // Longer than a hot call takes (so under load the finishing calls do the sending), far shorter than inference.
    internal static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(2);

    // One merged call stays far below the wire's 16 MB request limit and the silo's per-call work stays short.
    private const int MaxItemsPerCall = 1024;
    private const long MaxCharsPerCall = PredictionWire.MaxRequestBytes / 8;

    private readonly Lock _lock = new();
    private readonly Queue<Waiting> _waiting = new();
    private int _inFlight;
    private bool _watching;

    public Task<PredictionResult[]> PredictAsync(string modelId, IReadOnlyList<PredictionItem> items, CancellationToken cancellationToken)
    {
        // Only requests for texts answered before wait to be merged: a new text needs the model, and merged
        // requests all wait for the slowest item of their call. (The table needs no lock: checked outside ours.)
        bool known = answered.ContainsAll(items);
        lock (_lock)
        {
            if (_inFlight >= maxInFlight && known)
            {
                var waiting = new Waiting(modelId, items, cancellationToken);
                _waiting.Enqueue(waiting);
                if (!_watching)
                {
                    _watching = true;
                    _ = WatchWaitingAsync();
                }
                return waiting.Completion.Task.WaitAsync(cancellationToken);
            }
            _inFlight++;
        }
        return SendAloneAsync(modelId, items, cancellationToken);
    }

    private async Task<PredictionResult[]> SendAloneAsync(string modelId, IReadOnlyList<PredictionItem> items, CancellationToken cancellationToken)
    {
        try
        {
            return await CallAsync(modelId, items, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            SendWaitingOrRelease();
        }
    }

    /// <summary>
    /// One HTTP call to the silo; its keys are remembered as answered (merged calls' keys were known already, but
    /// the table is direct-mapped: writing them again restores any a newer key pushed out meanwhile).
    /// </summary>
    private async Task<PredictionResult[]> CallAsync(string modelId, IReadOnlyList<PredictionItem> items, CancellationToken cancellationToken)
    {
        metrics.RecordCall();
        var results = await client.PredictAsync(silo, modelId, items, cancellationToken).ConfigureAwait(false);
        answered.AddAll(items);
        return results;
    }

    /// <summary>Called as a call finishes: its slot goes to the waiting requests, else it is given back.</summary>
    private void SendWaitingOrRelease()
    {
        List<Waiting>? group = null;
        lock (_lock)
        {
            group = TakeGroup();
            if (group is null)
            {
                _inFlight--;
                return;
            }
        }
        _ = SendGroupAsync(group);
    }

    /// <summary>
    /// While requests wait, checks every <see cref="MaxWait"/>: a request still first in line since the last check
    /// means no call finished meanwhile, so the waiting requests go out now in one more call. One watch per lane.
    /// </summary>
    private async Task WatchWaitingAsync()
    {
        Waiting? seen = null;
        while (true)
        {
            await Task.Delay(MaxWait).ConfigureAwait(false);
            List<Waiting>? group = null;
            lock (_lock)
            {
                if (!_waiting.TryPeek(out var first))
                {
                    _watching = false;
                    return;
                }
                if (ReferenceEquals(first, seen))
                {
                    group = TakeGroup();
                    if (group is not null)
                    {
                        _inFlight++;
                    }
                }
                seen = _waiting.TryPeek(out var next) ? next : null;
            }
            if (group is not null)
            {
                _ = SendGroupAsync(group);
            }
        }
    }

    /// <summary>The waiting requests (same model id, oldest first) that fit in one call; null when none wait.</summary>
    private List<Waiting>? TakeGroup()
    {
        List<Waiting>? group = null;
        int items = 0;
        long chars = 0;
        while (_waiting.TryPeek(out var next))
        {
            if (next.CancellationToken.IsCancellationRequested)
            {
                _waiting.Dequeue(); // its caller has already been told
                continue;
            }
            long nextChars = next.TextChars();
            if (group is not null
                && (next.ModelId != group[0].ModelId || items + next.Items.Count > MaxItemsPerCall || chars + nextChars > MaxCharsPerCall))
            {
                break;
            }
            _waiting.Dequeue();
            (group ??= []).Add(next);
            items += next.Items.Count;
            chars += nextChars;
        }
        return group;
    }

    private async Task SendGroupAsync(List<Waiting> group)
    {
        try
        {
            // Nobody's cancellation may cut a call that carries other requests: the client's call timeout bounds it.
            if (group.Count == 1)
            {
                group[0].Completion.TrySetResult(await CallAsync(group[0].ModelId, group[0].Items, CancellationToken.None).ConfigureAwait(false));
                return;
            }

            // Requests for the same text (a hot key) share one item: silos refuse duplicate keys in a call.
            var positions = new Dictionary<PredictionKey, int>();
            var merged = new List<PredictionItem>();
            var maps = new int[group.Count][];
            for (int g = 0; g < group.Count; g++)
            {
                var items = group[g].Items;
                var map = maps[g] = new int[items.Count];
                for (int i = 0; i < items.Count; i++)
                {
                    if (!positions.TryGetValue(items[i].Key, out int position))
                    {
                        position = merged.Count;
                        positions.Add(items[i].Key, position);
                        merged.Add(items[i]);
                    }
                    map[i] = position;
                }
            }

            var answers = await CallAsync(group[0].ModelId, merged, CancellationToken.None).ConfigureAwait(false);
            for (int g = 0; g < group.Count; g++)
            {
                var map = maps[g];
                var results = new PredictionResult[map.Length];
                for (int i = 0; i < map.Length; i++)
                {
                    results[i] = answers[map[i]];
                }
                group[g].Completion.TrySetResult(results);
            }
        }
        catch (Exception e)
        {
            // Every request in the call fails alike; each one's router decides on its own whether to fail over.
            foreach (var waiting in group)
            {
                waiting.Completion.TrySetException(e);
            }
        }
        finally
        {
            SendWaitingOrRelease();
        }
    }

    /// <summary>A request waiting for a call to this silo.</summary>
    private sealed class Waiting(string modelId, IReadOnlyList<PredictionItem> items, CancellationToken cancellationToken)
    {
        public string ModelId { get; } = modelId;
        public IReadOnlyList<PredictionItem> Items { get; } = items;
        public CancellationToken CancellationToken { get; } = cancellationToken;
        public TaskCompletionSource<PredictionResult[]> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long TextChars()
        {
            long chars = 0;
            for (int i = 0; i < Items.Count; i++)
            {
                chars += Items[i].Text.Length;
            }
            return chars;
        }
    }
}
