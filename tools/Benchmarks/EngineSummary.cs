namespace Benchmarks;

/// <summary>The SUMMARY of <c>engine</c>: conditions, every cell, and the best tokens/s of the grid.</summary>
internal sealed record EngineSummary(
    string Command,
    BenchmarkEnvironment Environment,
    string LoadAverageAtEnd,
    double ElapsedSeconds,
    IReadOnlyList<EngineCellResult> Cells,
    double PeakTokensPerSecond);
