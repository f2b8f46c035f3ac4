namespace PredictionCluster.Inference.Batching;

/// <summary>
/// Decides, when a text reaches the engine, whether its request fits the queueing budget: the work admitted ahead
/// of it (texts queued or running, and texts reserved for requests admitted a moment ago) over the measured
/// throughput is the expected wait. A request is decided once, by its first text to arrive, for all its texts:
/// admitted, its other texts are reserved and later admitted without a check; refused, its other texts are
/// refused too, so a refused request computes nothing. One lock guards every figure; it is held for a few
/// additions, never across a wait.
/// <para>
/// The work ahead of a new request is counted as the engine serves it: fairly. The batch loop keeps no request from
/// holding more than its share of the staging window, and the batcher serves the oldest text within the reorder
/// delay, so a request competes with each other request for at most its own work: the wait it is admitted on is
/// the sum over requests in progress of the smaller of their outstanding work and its own. A small request behind a
/// large one is admitted (it is served beside it), and a large request behind many is refused as before; texts on
/// their own (most traffic) each count whole, as in a queue.
/// </para>
/// <para>
/// Work is counted in real tokens, throughput in cost: a run costs its padded tokens plus a fixed overhead
/// (<see cref="LengthAwareBatcher.RunOverheadTokens"/>), so a batch of one measures the same speed as a full batch
/// and a light load does not make the engine look slow. The estimate assumes queued texts will be batched tightly;
/// padding makes it optimistic by the padding share (the length-aware batcher keeps that small).
/// </para>
/// </summary>
internal sealed class AdmissionControl
{
    // How long a request's decision is remembered for its later texts. Its texts are sent together, but on a loaded
    // silo they may trickle in over seconds (grain activations wait for CPU); past the API's default deadline
    // (Routing:Deadline, 10 s) nobody waits for the answer any more.
    private static readonly TimeSpan DecisionLifetime = TimeSpan.FromSeconds(10);

    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly TimeSpan _budget;
    private readonly int _capacity;
    private readonly int _workers;
    private readonly long _ticketLifetime;
    private readonly ThroughputEstimate _throughput = new();
    /// <summary>Requests decided within <see cref="DecisionLifetime"/>, by id (only requests of more than one text).</summary>
    private readonly Dictionary<Guid, RequestTicket> _tickets = [];
    /// <summary>The same requests in the order they expire (decision time + lifetime: monotonic).</summary>
    private readonly Queue<RequestTicket> _expiries = new();
    /// <summary>Tokens and texts admitted and not yet finished (queued, staged or running).</summary>
    private long _admittedTokens;
    private int _admittedTexts;
    /// <summary>Tokens and texts reserved for admitted requests' texts that have not arrived yet.</summary>
    private long _reservedTokens;
    private int _reservedTexts;
    /// <summary>Start-time fair queuing's virtual time: the highest tag of a text that has started (tokens of work).</summary>
    private long _virtualTime;
    /// <summary>Tokens of admitted texts that are requests of their own, not yet finished.</summary>
    private long _singleTokens;
    /// <summary>Requests of several texts with work outstanding (admitted or reserved): what a newcomer shares the engine with.</summary>
    private readonly HashSet<RequestTicket> _inProgress = [];

    public AdmissionControl(TimeProvider time, InferenceOptions options)
    {
        _time = time;
        _budget = options.MaxQueueTime;
        _capacity = options.QueueCapacity;
        _workers = options.WorkerCount;
        _ticketLifetime = (long)(DecisionLifetime.TotalSeconds * time.TimestampFrequency);
    }

    /// <summary>The engine's throughput (every worker) in token-equivalents of cost per second; 0 until a batch has been measured.</summary>
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
    /// of <paramref name="requestTexts"/> texts (1, or <see cref="Guid.Empty"/>: a request of its own): admitted when
    /// the work ahead of it is expected to take at most the budget, and the count cap holds the whole request.
    /// Refused, the wait to retry after: the time the work ahead needs, at least a second.
    /// </summary>
    /// <returns>
    /// Admitted with the request's ticket (null for a text on its own), which the text hands back at <see cref="Release"/>,
    /// and the text's fair-queuing tag (<see cref="FairTagFor"/>).
    /// </returns>
    public (bool Admitted, TimeSpan RetryAfter, RequestTicket? Ticket, long FairTag) TryAdmit(Guid requestId, int requestTexts, int tokens)
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
                    return (false, decided.RetryAfter, null, 0);
                }
                if (decided.Reserved > 0)
                {
                    decided.Reserved--;
                    _reservedTexts--;
                    _reservedTokens -= decided.TokensPerText;
                    decided.Outstanding -= decided.TokensPerText;
                }
                Add(tokens, decided);
                return (true, TimeSpan.Zero, decided, FairTagFor(decided, tokens));
            }

            int texts = grouped ? requestTexts : 1;
            // The request's wait is the work it shares the engine with (see the type's remarks); its own texts are its
            // service time, not its queueing (a large request on an idle engine is admitted however long it takes).
            // Its other texts are assumed as long as this one (the only one measured so far). The count cap counts
            // all of them: they must fit in memory.
            var wait = WaitFor(WorkSharedWith((long)texts * tokens));
            bool admitted = wait <= _budget && _admittedTexts + _reservedTexts + texts <= _capacity;
            var retryAfter = admitted ? TimeSpan.Zero : RetryAfterFor(wait);
            // Its other texts are assumed as long as this one (the only one measured so far).
            long othersTokens = (long)(texts - 1) * tokens;
            RequestTicket? ticket = null;
            if (grouped)
            {
                ticket = new RequestTicket(requestId, now + _ticketLifetime, admitted, retryAfter, texts - 1, tokens);
                _tickets.Add(requestId, ticket);
                _expiries.Enqueue(ticket);
                if (admitted)
                {
                    _reservedTexts += texts - 1;
                    _reservedTokens += othersTokens;
                    ticket.Outstanding += othersTokens;
                }
            }
            if (admitted)
            {
                Add(tokens, ticket);
            }
            return (admitted, retryAfter, admitted ? ticket : null, admitted ? FairTagFor(ticket, tokens) : 0);
        }
    }

    /// <summary>
    /// An admitted text is done (run, failed, dropped or never queued): its work is no longer ahead of anyone. The
    /// first text of a request to be done ends the request's reservation: its texts were sent together, so those not
    /// arrived by now went to another silo or were answered by a cache tier, and must not hold room any longer.
    /// </summary>
    public void Release(int tokens, RequestTicket? ticket)
    {
        lock (_lock)
        {
            _admittedTokens -= tokens;
            _admittedTexts--;
            if (ticket is null)
            {
                _singleTokens -= tokens;
                return;
            }
            ticket.Outstanding -= tokens;
            if (ticket.Reserved > 0)
            {
                Unreserve(ticket);
            }
            ForgetIfDone(ticket);
        }
    }

    /// <summary>A worker ran a batch of <paramref name="paddedTokens"/> (rows x longest) in <paramref name="elapsed"/>.</summary>
    public void RecordRun(int paddedTokens, TimeSpan elapsed)
    {
        lock (_lock)
        {
            _throughput.Record(paddedTokens + LengthAwareBatcher.RunOverheadTokens, elapsed);
        }
    }

    private void Add(int tokens, RequestTicket? ticket)
    {
        _admittedTokens += tokens;
        _admittedTexts++;
        if (ticket is null)
        {
            _singleTokens += tokens;
            return;
        }
        ticket.Outstanding += tokens;
        _inProgress.Add(ticket);
    }

    /// <summary>
    /// The text's start tag in start-time fair queuing, counted in tokens of work: a text on its own starts at the
    /// engine's virtual time (the highest tag it has started); a text of a request of several starts where the
    /// request's previous text ends (its tag plus its cost). A large request's texts are spread over its own work,
    /// so a text arriving meanwhile is tagged before most of them and is batched among them rather than after them.
    /// </summary>
    private long FairTagFor(RequestTicket? ticket, int tokens)
    {
        if (ticket is null)
        {
            return _virtualTime;
        }
        long tag = Math.Max(_virtualTime, ticket.NextTag);
        ticket.NextTag = tag + tokens + LengthAwareBatcher.RunOverheadTokens;
        return tag;
    }

    /// <summary>A batch holding texts tagged up to <paramref name="tag"/> has started: the virtual time moves on.</summary>
    public void Started(long tag)
    {
        lock (_lock)
        {
            _virtualTime = Math.Max(_virtualTime, tag);
        }
    }

    /// <summary>
    /// The work a new request of <paramref name="ownTokens"/> shares the engine with before it is done: each request in
    /// progress for at most as much as the newcomer's own, texts on their own whole (each is at most one text of work).
    /// </summary>
    private long WorkSharedWith(long ownTokens)
    {
        long shared = _singleTokens;
        foreach (var ticket in _inProgress)
        {
            shared += Math.Min(ticket.Outstanding, ownTokens);
        }
        return shared;
    }

    private void ForgetIfDone(RequestTicket ticket)
    {
        if (ticket.Outstanding <= 0)
        {
            _inProgress.Remove(ticket);
        }
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
            Unreserve(oldest);
        }
    }

    private void Unreserve(RequestTicket ticket)
    {
        long tokens = (long)ticket.Reserved * ticket.TokensPerText;
        _reservedTexts -= ticket.Reserved;
        _reservedTokens -= tokens;
        ticket.Outstanding -= tokens;
        ticket.Reserved = 0;
        ForgetIfDone(ticket);
    }

    /// <summary>The decision for one request of several texts, and what it still reserves (guarded by the owner's lock).</summary>
    internal sealed class RequestTicket(Guid requestId, long expiresAt, bool admitted, TimeSpan retryAfter, int reserved, int tokensPerText)
    {
        public Guid RequestId { get; } = requestId;
        public long ExpiresAt { get; } = expiresAt;
        public bool Admitted { get; } = admitted;
        public TimeSpan RetryAfter { get; } = retryAfter;
        /// <summary>Texts of the request not arrived yet (0 for a refused request: nothing is reserved).</summary>
        public int Reserved { get; set; } = admitted ? reserved : 0;
        public int TokensPerText { get; } = tokensPerText;
        /// <summary>Tokens admitted and not finished, plus those reserved: the request's work still to do.</summary>
        public long Outstanding { get; set; }
        /// <summary>The fair-queuing tag of the request's next text (see <see cref="FairTagFor"/>).</summary>
        public long NextTag { get; set; }
    }
}
