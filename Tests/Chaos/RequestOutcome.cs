namespace Tests.Chaos;

/// <summary>
/// One request: when it was due, how long it took from then, and why it failed (null: answered 2xx). Beside it, to
/// find where a tail was spent: <see cref="SendLag"/>, how late the load generator itself sent it (a stall of the test
/// process), and <see cref="ServerTiming"/>, the API's own account (its <c>Server-Timing</c> header: the handler's
/// total, and the engine's queue and inference times when the model ran).
/// </summary>
public readonly record struct RequestOutcome(TimeSpan Scheduled, TimeSpan Latency, string? Failure, TimeSpan SendLag = default, string? ServerTiming = null);
