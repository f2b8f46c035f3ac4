namespace Inference.Batching;

/// <summary>
/// Decides, when a text reaches the engine, whether its request fits the queueing budget: the work admitted ahead
/// of it (texts queued or running, and texts reserved for requests admitted a moment ago) over the measured
/// throughput is the expected wait. A request is decided once, by its first text to arrive, for all its texts:
/// admitted, its other texts are reserved and later admitted without a check; refused, its other texts are
/// refused too, so a refused request computes nothing. One lock guards every figure; it is held for a few
/// additions, never across a wait.
/// </summary>
internal sealed class AdmissionControl
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _budget;
    private readonly int _capacity;
    private readonly int _workers;
    private readonly long _ticketLifetime;
    private readonly ThroughputEstimate _throughput = new();
    /// <summary>Requests decided recently, by id (only requests of more than one text).</summary>
    private readonly Dictionary<Guid, RequestTicket> _tickets = [];
    /// <summary>The same requests in the order they expire (decision time + lifetime: monotonic).</summary>
    private readonly Queue<RequestTicket> _expiries = new();
    /// <summary>Tokens and texts admitted and not yet finished (queued, staged or running).</summary>
    private long _admittedTokens;
    private int _admittedTexts;
    /// <summary>Tokens and texts reserved for admitted requests' texts that have not arrived yet.</summary>
    private long _reservedTokens;
    private int _reservedTexts;

    public AdmissionControl(TimeProvider time, InferenceOptions options)
    {
        _time = time;
        _budget = options.MaxQueueTime;
        _capacity = options.QueueCapacity;
        _workers = options.WorkerCount;
        // A reservation lasts as long as the budget: a request's texts are sent together, so those still missing by
        // then were answered by a cache tier or went to another silo, and must not hold room any longer.
        _ticketLifetime = (long)(options.MaxQueueTime.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>The engine's throughput (every worker) in tokens per second; 0 until a batch has been measured.</summary>
    public double TokensPerSecond
    {
        get
        {
            lock (_lock)
            {
                return _throughput.TokensPerSecond * _workers;
            }
        }
    }

    /// <summary>How long the work admitted now is expected to take (the wait of a text arriving now).</summary>
    public TimeSpan ExpectedWait
    {
        get
        {
            lock (_lock)
            {
                return WaitFor(_admittedTokens + _reservedTokens);
            }
        }
    }

    /// <summary>
    /// Admits or refuses one text of <paramref name="tokens"/> tokens, part of request <paramref name="requestId"/>
    /// of <paramref name="requestTexts"/> texts (1, or <see cref="Guid.Empty"/>: a request of its own). Refused,
    /// the wait to retry after: the time the work ahead needs, at least a second.
    /// </summary>
    public (bool Admitted, TimeSpan RetryAfter) TryAdmit(Guid requestId, int requestTexts, int tokens)
    {
        bool grouped = requestTexts > 1 && requestId != Guid.Empty;
        lock (_lock)
        {
            long now = _time.GetTimestamp();
            ForgetExpired(now);
            if (grouped && _tickets.TryGetValue(requestId, out var decided))
            {
                if (!decided.Admitted)
                {
                    return (false, decided.RetryAfter);
                }
                if (decided.Reserved > 0)
                {
                    decided.Reserved--;
                    _reservedTexts--;
                    _reservedTokens -= decided.TokensPerText;
                }
                Add(tokens);
                return (true, TimeSpan.Zero);
            }

            int texts = grouped ? requestTexts : 1;
            // The request's last text waits for everything ahead and for the request's other texts, assumed as long
            // as this one (the only one measured so far).
            long othersTokens = (long)(texts - 1) * tokens;
            var lastTextWait = WaitFor(_admittedTokens + _reservedTokens + othersTokens);
            bool admitted = lastTextWait <= _budget && _admittedTexts + _reservedTexts + texts <= _capacity;
            var retryAfter = admitted ? TimeSpan.Zero : RetryAfterFor(lastTextWait);
            if (grouped)
            {
                var ticket = new RequestTicket(requestId, now + _ticketLifetime, admitted, retryAfter, texts - 1, tokens);
                _tickets.Add(requestId, ticket);
                _expiries.Enqueue(ticket);
                if (admitted)
                {
                    _reservedTexts += texts - 1;
                    _reservedTokens += othersTokens;
                }
            }
            if (admitted)
            {
                Add(tokens);
            }
            return (admitted, retryAfter);
        }
    }

    /// <summary>An admitted text is done (run, failed, dropped or never queued): its work is no longer ahead of anyone.</summary>
    public void Release(int tokens)
    {
        lock (_lock)
        {
            _admittedTokens -= tokens;
            _admittedTexts--;
        }
    }

    /// <summary>A worker ran <paramref name="tokens"/> real tokens in <paramref name="elapsed"/>.</summary>
    public void RecordRun(int tokens, TimeSpan elapsed)
    {
        lock (_lock)
        {
            _throughput.Record(tokens, elapsed);
        }
    }

    private void Add(int tokens)
    {
        _admittedTokens += tokens;
        _admittedTexts++;
    }

    /// <summary>The time <paramref name="tokens"/> of work take at the measured throughput; zero before any measurement (admit).</summary>
    private TimeSpan WaitFor(long tokens)
    {
        double rate = _throughput.TokensPerSecond * _workers;
        return rate > 0 && tokens > 0 ? TimeSpan.FromSeconds(tokens / rate) : TimeSpan.Zero;
    }

    // Whole seconds (HTTP's Retry-After), at least one: a client told "0" would come straight back.
    private static TimeSpan RetryAfterFor(TimeSpan wait) => TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling(wait.TotalSeconds)));

    private void ForgetExpired(long now)
    {
        while (_expiries.TryPeek(out var oldest) && oldest.ExpiresAt <= now)
        {
            _expiries.Dequeue();
            _tickets.Remove(oldest.RequestId);
            _reservedTexts -= oldest.Reserved;
            _reservedTokens -= (long)oldest.Reserved * oldest.TokensPerText;
        }
    }

    /// <summary>The decision for one request of several texts, and what it still reserves.</summary>
    private sealed class RequestTicket(Guid requestId, long expiresAt, bool admitted, TimeSpan retryAfter, int reserved, int tokensPerText)
    {
        public Guid RequestId { get; } = requestId;
        public long ExpiresAt { get; } = expiresAt;
        public bool Admitted { get; } = admitted;
        public TimeSpan RetryAfter { get; } = retryAfter;
        /// <summary>Texts of the request not arrived yet (0 for a refused request: nothing is reserved).</summary>
        public int Reserved { get; set; } = admitted ? reserved : 0;
        public int TokensPerText { get; } = tokensPerText;
    }
}
