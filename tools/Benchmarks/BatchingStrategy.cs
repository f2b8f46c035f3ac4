namespace Benchmarks;

/// <summary>How sentences are grouped into model runs by <see cref="BatchFormer"/>.</summary>
internal enum BatchingStrategy
{
    /// <summary>The service under load: arrival order, batches closed at the size or padded-token limit.</summary>
    Arrival,

    /// <summary>Length bucketing: everything sorted by length first, so each batch pads little. A lower bound on padding.</summary>
    Bucketed,

    /// <summary>One sentence per run, no padding: the service when requests trickle in one at a time.</summary>
    Single,
}
