namespace PredictionCluster.Inference.Batching;

/// <summary>
/// Texts of requests that hold their full share of the staging window, kept per request, oldest first, until the
/// request's staged texts have gone into batches (batch loop only). Without it a large request queued ahead would
/// fill the window, and a small request behind it would wait for most of it instead of being batched beside it.
/// </summary>
internal sealed class StagingOverflow
{
    private readonly Dictionary<Guid, Queue<InferenceRequest>> _byRequest = [];

    /// <summary>Texts waiting here.</summary>
    public int Count { get; private set; }

    public bool Holds(Guid requestId) => _byRequest.ContainsKey(requestId);

    public void Add(InferenceRequest request)
    {
        if (!_byRequest.TryGetValue(request.RequestId, out var queue))
        {
            _byRequest.Add(request.RequestId, queue = new Queue<InferenceRequest>());
        }
        queue.Enqueue(request);
        Count++;
    }

    /// <summary>
    /// Moves texts into <paramref name="staged"/> for each request below <paramref name="share"/> staged texts
    /// (<paramref name="stagedByRequest"/>, kept up to date), while the window has room; abandoned texts go to <paramref name="drop"/>.
    /// </summary>
    public void Refill(List<InferenceRequest> staged, Dictionary<Guid, int> stagedByRequest, int share, int capacity, Action<InferenceRequest> drop)
    {
        if (Count == 0)
        {
            return;
        }
        List<Guid>? emptied = null;
        foreach (var (requestId, queue) in _byRequest)
        {
            int inWindow = stagedByRequest.GetValueOrDefault(requestId);
            while (inWindow < share && staged.Count < capacity && queue.TryDequeue(out var next))
            {
                Count--;
                if (next.IsAbandoned)
                {
                    drop(next);
                    continue;
                }
                staged.Add(next);
                inWindow++;
            }
            stagedByRequest[requestId] = inWindow;
            if (queue.Count == 0)
            {
                (emptied ??= []).Add(requestId);
            }
        }
        foreach (var requestId in emptied ?? [])
        {
            _byRequest.Remove(requestId);
        }
    }

    /// <summary>Takes every text out (the engine failed: each is failed by the caller).</summary>
    public List<InferenceRequest> TakeAll()
    {
        var all = _byRequest.Values.SelectMany(queue => queue).ToList();
        _byRequest.Clear();
        Count = 0;
        return all;
    }
}
