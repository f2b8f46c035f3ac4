namespace PredictionCluster.Inference.Batching;

/// <summary>
/// Forms one batch from the staging window: the run of texts of similar length that wastes least on padding
/// and per-run overhead, within the batch's size and padded-token budgets. Every row of a batch is padded to its longest, so batching by arrival
/// alone spends much of a run on padding when lengths vary (SST-2 sentences run from 3 to 60+ tokens).
/// Fairness is in time: once a staged text has been passed over for <c>maxReorderDelay</c>, the next batch is formed
/// around an overdue text, so no text waits longer than that (plus the batches running) behind texts that arrived
/// after it. Among overdue texts the one with the lowest fair-queuing tag goes first
/// (<see cref="InferenceRequest.FairTag"/>): texts on their own in arrival order, a large request's texts spread over
/// its own work, so requests share the engine rather than queue behind each other.
/// </summary>
internal sealed class LengthAwareBatcher
{
    // The fixed cost of one ONNX Runtime run in padded-token equivalents: about 3 ms against ~0.45 ms per
    // padded token (DistilBERT-shaped model, 2 cores; tools/Benchmarks engine, batch 1 vs 8 at 16 tokens).
    internal const int RunOverheadTokens = 8;

    private readonly int _maxBatchSize;
    private readonly int _maxBatchTokens;
    private readonly InferenceMetrics _metrics;
    private readonly TimeProvider _time;
    // How long the oldest text may be passed over for tighter batches before a batch is formed around it.
    private readonly TimeSpan _maxReorderDelay;
    // (length << 32 | staged index), sorted: texts in length order without allocating per batch.
    private readonly long[] _order;
    private readonly bool[] _taken;

    public LengthAwareBatcher(int maxBatchSize, int maxBatchTokens, int capacity, TimeSpan maxReorderDelay, TimeProvider time, InferenceMetrics metrics)
    {
        _maxBatchSize = maxBatchSize;
        _maxBatchTokens = maxBatchTokens;
        _maxReorderDelay = maxReorderDelay;
        _time = time;
        _metrics = metrics;
        _order = new long[capacity];
        _taken = new bool[capacity];
    }

    /// <summary>Moves the texts of the next batch from <paramref name="staged"/> (oldest first) to <paramref name="batch"/>.</summary>
    public void Form(List<InferenceRequest> staged, List<InferenceRequest> batch)
    {
        DropAbandoned(staged);
        int count = staged.Count;
        if (count == 0)
        {
            return;
        }

        // Among the texts passed over for the reorder delay (the oldest is one if any is), the one with the lowest
        // fair-queuing tag: a small request that arrived behind a large one goes before the large one's later texts.
        int first = -1;
        for (int i = 0; i < count; i++)
        {
            _order[i] = ((long)staged[i].Length << 32) | (uint)i;
            if (_time.GetElapsedTime(staged[i].ArrivedAt) >= _maxReorderDelay && (first < 0 || staged[i].FairTag < staged[first].FairTag))
            {
                first = i;
            }
        }
        Array.Sort(_order, 0, count);
        bool overdue = first >= 0;
        int anchor = 0;
        while (overdue && (int)_order[anchor] != first)
        {
            anchor++;
        }

        var (low, high) = overdue ? WindowAround(anchor, count) : BestWindow(count);
        for (int position = low; position <= high; position++)
        {
            int index = (int)_order[position];
            batch.Add(staged[index]);
            _taken[index] = true;
        }
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            if (_taken[i])
            {
                _taken[i] = false;
                continue;
            }
            staged[kept++] = staged[i];
        }
        staged.RemoveRange(kept, count - kept);
    }

    /// <summary>
    /// The run of texts (consecutive in length order) that gets the most real tokens per unit of work, where
    /// a run costs its padded tokens plus a fixed overhead (<see cref="RunOverheadTokens"/>). Measured on the
    /// DistilBERT-shaped model, a run's time grows with its padded tokens alike from batch 8 to 32, so a
    /// tight batch of 8 beats a loose one of 32; under load the rest of the window makes the next tight batches.
    /// </summary>
    private (int Low, int High) BestWindow(int count) => BestWindowContaining(count, count - 1, 0);

    /// <summary>
    /// The best run (as in <see cref="BestWindow"/>) among those that contain the text at <paramref name="anchor"/>,
    /// the oldest, passed over for long enough: it gets a batch now, and only the texts that suit its length join it,
    /// so an outlier costs one small batch rather than padding a full one.
    /// </summary>
    private (int Low, int High) WindowAround(int anchor, int count) => BestWindowContaining(count, anchor, anchor);

    /// <summary>The best run starting at or before <paramref name="lowAtMost"/> and ending at or after <paramref name="highAtLeast"/>.</summary>
    private (int Low, int High) BestWindowContaining(int count, int lowAtMost, int highAtLeast)
    {
        int bestLow = lowAtMost, bestHigh = highAtLeast;
        double bestYield = -1;
        for (int low = Math.Max(0, highAtLeast - _maxBatchSize + 1); low <= lowAtMost; low++)
        {
            long real = 0;
            for (int high = low; high < count && high - low < _maxBatchSize; high++)
            {
                long padded = (high - low + 1L) * LengthAt(high);
                if (high > low && padded > _maxBatchTokens)
                {
                    break;
                }
                real += LengthAt(high);
                double yield = real / (double)(padded + RunOverheadTokens);
                if (high >= highAtLeast && yield > bestYield)
                {
                    (bestLow, bestHigh, bestYield) = (low, high, yield);
                }
            }
        }
        return (bestLow, bestHigh);
    }

    private int LengthAt(int position) => (int)(_order[position] >> 32);

    private void DropAbandoned(List<InferenceRequest> staged)
    {
        int kept = 0;
        for (int i = 0; i < staged.Count; i++)
        {
            if (staged[i].IsAbandoned)
            {
                _metrics.RecordDropped();
                staged[i].Release();
                continue;
            }
            staged[kept++] = staged[i];
        }
        staged.RemoveRange(kept, staged.Count - kept);
    }
}
