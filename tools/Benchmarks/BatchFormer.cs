namespace Benchmarks;

/// <summary>
/// Groups tokenized sentences into batches with the rule InferenceGrain.CollectAsync applies: a text joins the open
/// batch while the batch has fewer than MaxBatchSize texts and (texts + 1) x longest (including the newcomer) stays
/// within MaxBatchTokens; otherwise it starts the next batch. A single text longer than the token budget still runs
/// alone, as in the service.
/// </summary>
internal static class BatchFormer
{
    /// <param name="lengths">Tokens of each sentence, including [CLS] and [SEP], in arrival order.</param>
    /// <param name="window">Texts per window for <see cref="BatchingStrategy.Windowed"/> (no batch spans two windows).</param>
    public static IReadOnlyList<PlannedBatch> Form(IReadOnlyList<int> lengths, BatchingStrategy strategy, int maxBatchSize, int maxBatchTokens, int window = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchTokens, 1);
        var order = Enumerable.Range(0, lengths.Count);
        var segments = strategy switch
        {
            // OrderBy is stable: equal lengths keep their arrival order.
            BatchingStrategy.Bucketed => [order.OrderBy(i => lengths[i]).ToArray()],
            BatchingStrategy.Arrival or BatchingStrategy.Single => [order.ToArray()],
            BatchingStrategy.Windowed => order.Chunk(window >= 1 ? window : throw new ArgumentOutOfRangeException(nameof(window), window, "A window holds one text at least."))
                .Select(chunk => chunk.OrderBy(i => lengths[i]).ToArray()).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(strategy), strategy, null),
        };
        if (strategy == BatchingStrategy.Single)
        {
            maxBatchSize = 1;
        }

        var batches = new List<PlannedBatch>();
        foreach (var segment in segments)
        {
            Cut(segment, lengths, maxBatchSize, maxBatchTokens, batches);
        }
        return batches;
    }

    /// <summary>Cuts <paramref name="segment"/>, in its order, into batches within the limits.</summary>
    private static void Cut(int[] segment, IReadOnlyList<int> lengths, int maxBatchSize, int maxBatchTokens, List<PlannedBatch> batches)
    {
        var open = new List<int>(maxBatchSize);
        int longest = 0;
        int realTokens = 0;
        foreach (int sentence in segment)
        {
            int length = lengths[sentence];
            int newLongest = Math.Max(longest, length);
            if (open.Count > 0 && (open.Count == maxBatchSize || (long)(open.Count + 1) * newLongest > maxBatchTokens))
            {
                batches.Add(new PlannedBatch(open.ToArray(), longest, realTokens));
                open.Clear();
                newLongest = length;
                realTokens = 0;
            }
            open.Add(sentence);
            longest = newLongest;
            realTokens += length;
        }
        if (open.Count > 0)
        {
            batches.Add(new PlannedBatch(open.ToArray(), longest, realTokens));
        }
    }
}
