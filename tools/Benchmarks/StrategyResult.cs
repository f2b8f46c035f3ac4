namespace Benchmarks;

/// <summary>
/// One batching strategy over the whole SST-2 set. Times are whole passes (filling the buffers and running every
/// batch); rates come from the median pass. <see cref="OthersCpuPercent"/> covers all its timed passes.
/// </summary>
internal sealed record StrategyResult(
    BatchingStrategy Strategy,
    int Batches,
    double MeanBatchSize,
    long RealTokens,
    long PaddedTokens,
    double PaddingOverheadPercent,
    int Repeats,
    double MedianSeconds,
    double MinSeconds,
    double MaxSeconds,
    double SentencesPerSecond,
    double RealTokensPerSecond,
    double PaddedTokensPerSecond,
    double? OthersCpuPercent);
