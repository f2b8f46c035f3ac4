namespace Benchmarks;

/// <summary>
/// One batch x length cell of the engine grid. Rates are computed from the median run time;
/// <see cref="OthersCpuPercent"/> is the share of the machine other processes used meanwhile (see <see cref="CpuInterference"/>).
/// </summary>
internal sealed record EngineCellResult(
    int Batch,
    int Length,
    int Runs,
    double MedianMs,
    double P10Ms,
    double P90Ms,
    double MinMs,
    double MaxMs,
    double SentencesPerSecond,
    double TokensPerSecond,
    long AllocatedBytesPerRun,
    double? OthersCpuPercent);
