namespace Benchmarks;

/// <summary>The service's resident memory after <paramref name="Texts"/> texts of a stream, <paramref name="Seconds"/> into it.</summary>
internal sealed record RssSample(long Texts, double Seconds, double Megabytes);
