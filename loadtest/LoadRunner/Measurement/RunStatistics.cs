using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace LoadRunner.Measurement;

/// <summary>
/// What happened to the requests of one phase (priming, warmup or the measured window): counts, the latency of the
/// successful ones, and failures by status code and by exception. Every method is safe to call from many threads.
/// </summary>
internal sealed class RunStatistics
{
    private const int StatusCodeLimit = 600;

    // One histogram per processor: a request records into the one of the core it completes on, so the cores do not
    // contend for the same counters; they are merged when the report is made.
    private readonly LatencyHistogram[] _latencyByProcessor;
    private readonly long[] _errorsByStatus = new long[StatusCodeLimit];
    private readonly ConcurrentDictionary<string, StrongBox<long>> _errorsByException = new(StringComparer.Ordinal);
    private readonly LatencyHistogram _sendLag = new();
    // 503 answers: an overloaded service sheds load by refusing fast, and how fast is a figure of its own.
    private readonly LatencyHistogram _rejectionLatency = new();
    // Answers that say a text was computed: with a cache rate below 1, a latency percentile of all requests is mostly
    // hits, and the misses' own tail is what the engine and its queue decide.
    private readonly LatencyHistogram _missLatency = new();
    private long _sent;
    private long _errors;
    private long _cacheHits;
    private long _cacheMisses;
    private long _late;
    private long _dropped;

    public RunStatistics()
    {
        _latencyByProcessor = new LatencyHistogram[Environment.ProcessorCount];
        for (int i = 0; i < _latencyByProcessor.Length; i++)
        {
            _latencyByProcessor[i] = new LatencyHistogram();
        }
    }

    /// <summary>Requests sent.</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Requests that failed: a non-2xx status or an exception.</summary>
    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Successful answers with <c>X-Cache: hit</c>.</summary>
    public long CacheHits => Interlocked.Read(ref _cacheHits);

    /// <summary>Successful answers with <c>X-Cache: miss</c>.</summary>
    public long CacheMisses => Interlocked.Read(ref _cacheMisses);

    /// <summary>Open loop: requests that were sent after their scheduled time because the in-flight cap was full.</summary>
    public long Late => Interlocked.Read(ref _late);

    /// <summary>Open loop: requests due in the window still unsent shortly after it ended (cap full, or the runner behind).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    public void RecordSent() => Interlocked.Increment(ref _sent);

    public void RecordSuccess(long latencyMicroseconds, CacheOutcome cache)
    {
        _latencyByProcessor[(uint)Thread.GetCurrentProcessorId() % (uint)_latencyByProcessor.Length].Record(latencyMicroseconds);
        if (cache == CacheOutcome.Hit)
        {
            Interlocked.Increment(ref _cacheHits);
        }
        else if (cache == CacheOutcome.Miss)
        {
            Interlocked.Increment(ref _cacheMisses);
            _missLatency.Record(latencyMicroseconds);
        }
    }

    public void RecordStatusError(int statusCode, long latencyMicroseconds)
    {
        if (statusCode == 503)
        {
            _rejectionLatency.Record(latencyMicroseconds);
        }
        Interlocked.Increment(ref _errors);
        Interlocked.Increment(ref _errorsByStatus[Math.Clamp(statusCode, 0, StatusCodeLimit - 1)]);
    }

    public void RecordException(string kind)
    {
        Interlocked.Increment(ref _errors);
        var counter = _errorsByException.GetOrAdd(kind, static _ => new StrongBox<long>());
        Interlocked.Increment(ref counter.Value);
    }

    public void RecordLate() => Interlocked.Increment(ref _late);

    /// <summary>Open loop: how long after its scheduled time a request actually left, in microseconds.</summary>
    public void RecordSendLag(long microseconds) => _sendLag.Record(microseconds);

    /// <summary>The latencies of 503 answers (refusals), in microseconds.</summary>
    public LatencyHistogram RejectionLatency => _rejectionLatency;

    /// <summary>The latencies of successful answers with <c>X-Cache: miss</c>, in microseconds.</summary>
    public LatencyHistogram MissLatency => _missLatency;

    /// <summary>Open loop: the send lags recorded (the runner's own share of each latency); empty in closed loop.</summary>
    public LatencyHistogram SendLag => _sendLag;

    public void RecordDropped(long count) => Interlocked.Add(ref _dropped, count);

    /// <summary>The latencies of the successful requests, in microseconds, merged across processors.</summary>
    public LatencyHistogram MergedLatency()
    {
        var merged = new LatencyHistogram();
        foreach (var histogram in _latencyByProcessor)
        {
            merged.Merge(histogram);
        }
        return merged;
    }

    /// <summary>Failed requests by HTTP status code, ascending.</summary>
    public IReadOnlyList<KeyValuePair<int, long>> ErrorsByStatus()
    {
        var errors = new List<KeyValuePair<int, long>>();
        for (int status = 0; status < StatusCodeLimit; status++)
        {
            long count = Interlocked.Read(ref _errorsByStatus[status]);
            if (count != 0)
            {
                errors.Add(new(status, count));
            }
        }
        return errors;
    }

    /// <summary>Failed requests by exception kind (<see cref="FailureKind"/>), most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> ErrorsByException() =>
        _errorsByException.Select(e => new KeyValuePair<string, long>(e.Key, Interlocked.Read(ref e.Value.Value)))
            .OrderByDescending(e => e.Value).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
}
