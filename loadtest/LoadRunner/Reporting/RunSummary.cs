namespace LoadRunner.Reporting;

/// <summary>
/// The machine-readable result of a run, printed as the last line <c>SUMMARY {json}</c> (snake_case names). Times in
/// milliseconds; latency percentiles over the measured successful (2xx) requests.
/// </summary>
internal sealed record RunSummary
{
    /// <summary><c>closed</c> (--vus) or <c>open</c> (--rate).</summary>
    public required string Mode { get; init; }

    public required string Url { get; init; }

    /// <summary><c>1.1</c> or <c>2</c>.</summary>
    public required string Http { get; init; }

    /// <summary>Closed loop: virtual users; null in open loop.</summary>
    public int? Vus { get; init; }

    /// <summary>Open loop: the target rate in requests/s; null in closed loop.</summary>
    public double? Rate { get; init; }

    /// <summary>Open loop: the in-flight cap; null in closed loop.</summary>
    public int? MaxInFlight { get; init; }

    /// <summary>The measured window in seconds (shorter than asked when stopped early).</summary>
    public required double DurationS { get; init; }

    public required double WarmupS { get; init; }

    public required int TextsPerRequest { get; init; }

    public required double CacheRate { get; init; }

    public required int PoolSize { get; init; }

    /// <summary>Requests sent in the measured window.</summary>
    public required long Requests { get; init; }

    /// <summary>Requests answered 2xx.</summary>
    public required long Completed { get; init; }

    /// <summary>Requests that failed (non-2xx status or exception).</summary>
    public required long Errors { get; init; }

    /// <summary>Completed requests per measured second.</summary>
    public required double Rps { get; init; }

    public required double MeanMs { get; init; }

    public required double P50Ms { get; init; }

    public required double P90Ms { get; init; }

    public required double P95Ms { get; init; }

    public required double P99Ms { get; init; }

    public required double P999Ms { get; init; }

    public required double MaxMs { get; init; }

    /// <summary>Failed requests by status code (as a string key).</summary>
    public required IReadOnlyDictionary<string, long> ErrorsByStatus { get; init; }

    /// <summary>503 answers (refusals): 99th percentile of their latency, from the same origin; null when there were none.</summary>
    public double? RejectedP99Ms { get; init; }

    /// <summary>Failed requests by exception kind (timeout, connection_refused, ...).</summary>
    public required IReadOnlyDictionary<string, long> ErrorsByException { get; init; }

    /// <summary>Open loop: requests sent after their time because the in-flight cap was full; null in closed loop.</summary>
    public long? Late { get; init; }

    /// <summary>Open loop: requests due in the window never sent (cap full, or the runner behind); null in closed loop.</summary>
    public long? Dropped { get; init; }

    /// <summary>Open loop: median delay between a request's scheduled time and its send (the runner's own share); null in closed loop.</summary>
    public double? SendLagP50Ms { get; init; }

    /// <summary>Open loop: 99th percentile of that delay; null in closed loop.</summary>
    public double? SendLagP99Ms { get; init; }

    /// <summary>X-Cache hits / (hits + misses) over completed requests; null when the server sent no X-Cache header.</summary>
    public double? HitRatio { get; init; }

    public required long CacheHits { get; init; }

    public required long CacheMisses { get; init; }

    /// <summary>Answers with <c>X-Cache: miss</c> (a text was computed): their median latency; null when there were none.</summary>
    public double? MissP50Ms { get; init; }

    /// <summary>Answers with <c>X-Cache: miss</c>: 99th percentile of their latency; null when there were none.</summary>
    public double? MissP99Ms { get; init; }

    public required bool StoppedEarly { get; init; }
}
