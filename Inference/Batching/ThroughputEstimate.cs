namespace PredictionCluster.Inference.Batching;

/// <summary>
/// One worker's throughput in token-equivalents of cost per second (a run's padded tokens plus its fixed overhead),
/// an exponentially weighted moving average over finished batches; zero until the first batch. Not thread-safe:
/// its owner (<see cref="AdmissionControl"/>) holds a lock.
/// </summary>
internal sealed class ThroughputEstimate
{
    // Weight of the newest batch: about the last ten batches count, so the estimate follows a change of text
    // lengths or of CPU share within a second or two under load, and one slow batch (a GC) moves it little.
    private const double Weight = 0.2;

    /// <summary>Tokens per second of one worker; 0 while nothing was measured.</summary>
    public double TokensPerSecond { get; private set; }

    public void Record(int tokens, TimeSpan elapsed)
    {
        if (tokens <= 0 || elapsed <= TimeSpan.Zero)
        {
            return; // nothing learnt (a clock that did not move, or an empty batch)
        }
        double sample = tokens / elapsed.TotalSeconds;
        TokensPerSecond = TokensPerSecond == 0 ? sample : TokensPerSecond + Weight * (sample - TokensPerSecond);
    }
}
