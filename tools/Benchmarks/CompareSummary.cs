namespace Benchmarks;

/// <summary>The <c>compare</c> SUMMARY line.</summary>
internal sealed record CompareSummary(
    string Command,
    BenchmarkEnvironment Environment,
    int Sentences,
    double BaselineSentencesPerSecond,
    double OtherSentencesPerSecond,
    double LabelAgreementPercent,
    double MeanScoreDifference,
    double MaxScoreDifference);
