using Redis.Protocol;

namespace Redis.Connections;

/// <summary>
/// A command sent (or about to be) and waiting for its reply, as a connection sees it: whatever the result
/// type, it is completed from a reply, failed, or cancelled, and it knows when it was queued (for timeouts).
/// </summary>
internal interface IPendingReply
{
    /// <summary>The command's name, for error messages.</summary>
    string Command { get; }

    /// <summary><see cref="System.Diagnostics.Stopwatch.GetTimestamp"/> when the connection queued it.</summary>
    long QueuedAt { get; set; }

    /// <summary>Where its outcome is counted (set by the pool); null counts nothing (e.g. handshake commands).</summary>
    RedisMetrics? Metrics { get; set; }

    /// <summary>The caller's task.</summary>
    Task Task { get; }

    /// <summary>Completes from the reply; an error reply fails it with <see cref="RedisServerException"/>. A cancelled command ignores it.</summary>
    void Complete(in RespValue reply);

    void Fail(Exception exception);

    void Cancel(CancellationToken cancellationToken);
}
