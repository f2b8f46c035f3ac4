namespace Benchmarks;

/// <summary>The SUMMARY of <c>engine-sst2</c>: conditions, the data's length mix, and every strategy.</summary>
internal sealed record Sst2Summary(
    string Command,
    BenchmarkEnvironment Environment,
    string LoadAverageAtEnd,
    double ElapsedSeconds,
    string Data,
    int Sentences,
    double MeanLength,
    int MedianLength,
    int MaxLength,
    int MaxBatchSize,
    int MaxBatchTokens,
    int Workers,
    IReadOnlyList<StrategyResult> Strategies,
    IReadOnlyDictionary<string, double> SentencesPerSecond);
