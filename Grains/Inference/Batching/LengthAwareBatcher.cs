namespace Grains.Inference.Batching;

/// <summary>
/// Forms one batch from the staging window: the fullest run of texts of similar length, within the batch's
/// size and padded-token budgets. Every row of a batch is padded to its longest, so batching by arrival
/// alone spends much of a run on padding when lengths vary (SST-2 sentences run from 3 to 60+ tokens).
/// A text passed over for as many batches as the window holds gets a batch formed around it next, so no
/// text waits more than a few batches.
/// </summary>
internal sealed class LengthAwareBatcher
{
    private readonly int _maxBatchSize;
    private readonly int _maxBatchTokens;
    private readonly InferenceMetrics _metrics;
    // Batches a text may be passed over for tighter ones before a batch is formed around it.
    private readonly int _patience;
    // (length << 32 | staged index), sorted: texts in length order without allocating per batch.
    private readonly long[] _order;
    private readonly bool[] _taken;

    public LengthAwareBatcher(int maxBatchSize, int maxBatchTokens, int capacity, InferenceMetrics metrics)
    {
        _maxBatchSize = maxBatchSize;
        _maxBatchTokens = maxBatchTokens;
        _metrics = metrics;
        _patience = Math.Max(1, capacity / maxBatchSize);
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

        int anchor = 0;
        for (int i = 0; i < count; i++)
        {
            _order[i] = ((long)staged[i].Length << 32) | (uint)i;
        }
        Array.Sort(_order, 0, count);
        while ((int)_order[anchor] != 0)
        {
            anchor++;
        }

        var (low, high) = staged[0].PassedOver >= _patience ? WindowAround(anchor, count) : TightestWindow(count);
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
            staged[i].PassedOver++;
            staged[kept++] = staged[i];
        }
        staged.RemoveRange(kept, count - kept);
    }

    /// <summary>
    /// The run of texts (consecutive in length order) that makes the fullest batch with the least padding:
    /// under load the window holds several batches, and taking the tightest first leaves the rest tight too.
    /// </summary>
    private (int Low, int High) TightestWindow(int count)
    {
        int bestLow = 0, bestHigh = 0, bestRows = 0;
        long bestWaste = long.MaxValue;
        for (int low = 0; low < count; low++)
        {
            int high = low;
            long real = LengthAt(low);
            while (high + 1 < count && high + 1 - low < _maxBatchSize && (high + 2L - low) * LengthAt(high + 1) <= _maxBatchTokens)
            {
                high++;
                real += LengthAt(high);
            }
            int rows = high - low + 1;
            long waste = rows * (long)LengthAt(high) - real;
            if (rows > bestRows || (rows == bestRows && waste < bestWaste))
            {
                (bestLow, bestHigh, bestRows, bestWaste) = (low, high, rows, waste);
            }
        }
        return (bestLow, bestHigh);
    }

    /// <summary>
    /// A batch around the text at <paramref name="anchor"/> (the oldest, passed over long enough): grown one
    /// text at a time, shorter or longer, whichever adds less padding.
    /// </summary>
    private (int Low, int High) WindowAround(int anchor, int count)
    {
        // The window is a run in length order, so its longest row is always at its right end.
        int low = anchor, high = anchor, rows = 1;
        int longest = LengthAt(anchor);
        while (rows < _maxBatchSize)
        {
            long shorterWaste = long.MaxValue, longerWaste = long.MaxValue;
            if (low > 0 && (rows + 1L) * longest <= _maxBatchTokens)
            {
                shorterWaste = longest - LengthAt(low - 1); // the new row pads up to the longest
            }
            if (high < count - 1 && (rows + 1L) * LengthAt(high + 1) <= _maxBatchTokens)
            {
                longerWaste = (long)(LengthAt(high + 1) - longest) * rows; // every row pads up to the new one
            }
            if (shorterWaste == long.MaxValue && longerWaste == long.MaxValue)
            {
                break;
            }
            if (shorterWaste <= longerWaste)
            {
                low--;
            }
            else
            {
                high++;
                longest = LengthAt(high);
            }
            rows++;
        }
        return (low, high);
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
