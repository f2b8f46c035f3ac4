namespace Benchmarks;

/// <summary>How sentences are grouped into model runs by <see cref="BatchFormer"/>.</summary>
internal enum BatchingStrategy
{
    /// <summary>The service under load: arrival order, batches closed at the size or padded-token limit.</summary>
    Arrival,

    /// <summary>Length bucketing: everything sorted by length first, so each batch pads little. A lower bound on padding.</summary>
    Bucketed,

    /// <summary>
    /// What a batcher can do with only a few texts in flight: arrival order taken a window at a time (the texts
    /// present at once), each window sorted by length and cut into batches. A closed loop of N users never has more
    /// than N texts to choose from, so this, not <see cref="Bucketed"/>, bounds what its batches can save on padding.
    /// </summary>
    Windowed,

    /// <summary>One sentence per run, no padding: the service when requests trickle in one at a time.</summary>
    Single,
}
