namespace Tests.Chaos;

/// <summary>One request: when it was due, how long it took from then, and why it failed (null: answered 2xx).</summary>
public readonly record struct RequestOutcome(TimeSpan Scheduled, TimeSpan Latency, string? Failure);
