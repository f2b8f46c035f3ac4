namespace Redis.Connections;

/// <summary>
/// Delays between reconnect attempts: <see cref="RedisOptions.ReconnectMinDelay"/> doubling per failure up to
/// <see cref="RedisOptions.ReconnectMaxDelay"/>, each randomized by ±20 % so that many clients cut off by the
/// same outage do not come back in lockstep. Not thread-safe: one per connection slot.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan minDelay, TimeSpan maxDelay)
{
    private const double Jitter = 0.2;

    // Past this the doubling has long reached any sensible maximum; stops the exponent from overflowing.
    private const int MaxExponent = 30;

    private int _failures;

    /// <summary>The delay before the next attempt; each call counts one more failure.</summary>
    public TimeSpan Next()
    {
        double baseMilliseconds = Math.Min(maxDelay.TotalMilliseconds, minDelay.TotalMilliseconds * Math.Pow(2, _failures));
        _failures = Math.Min(_failures + 1, MaxExponent);
        double factor = 1 + Jitter * (2 * Random.Shared.NextDouble() - 1);
        return TimeSpan.FromMilliseconds(Math.Clamp(baseMilliseconds * factor, minDelay.TotalMilliseconds, maxDelay.TotalMilliseconds));
    }

    /// <summary>A connection worked: the next failure starts again from the minimum.</summary>
    public void Reset() => _failures = 0;
}
