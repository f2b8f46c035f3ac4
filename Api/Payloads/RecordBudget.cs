namespace PredictionCluster.Api.Payloads;

/// <summary>
/// A token bucket over records: it refills at <c>perSecond</c> tokens a second and holds one second's worth, so a
/// burst of traffic writes at most that many records at once and the steady rate at most <c>perSecond</c>. Taken
/// under a lock, by sampled requests only (a few per second at most where it matters).
/// </summary>
public sealed class RecordBudget
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _time;
    private readonly double _perSecond;
    private double _tokens;
    private long _refilledAt;

    public RecordBudget(int perSecond, TimeProvider time)
    {
        _time = time;
        _perSecond = perSecond;
        _tokens = perSecond;
        _refilledAt = time.GetTimestamp();
    }

    /// <summary>Takes up to <paramref name="wanted"/> whole tokens; how many it got.</summary>
    public int Take(int wanted)
    {
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            _tokens = Math.Min(_perSecond, _tokens + _time.GetElapsedTime(_refilledAt, now).TotalSeconds * _perSecond);
            _refilledAt = now;
            int granted = (int)Math.Min(wanted, Math.Floor(_tokens));
            _tokens -= granted;
            return granted;
        }
    }
}
