namespace Benchmarks;

/// <summary>The <c>engine-grain</c> SUMMARY line.</summary>
internal sealed record GrainSummary(
    string Command,
    BenchmarkEnvironment Environment,
    string LoadAverageAtEnd,
    int Callers,
    double Seconds,
    long Texts,
    double SentencesPerSecond,
    long Batches,
    double PaddingOverheadPercent,
    double BusyPercent,
    double? OthersCpuPercent);
