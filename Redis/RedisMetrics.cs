using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Redis;

/// <summary>
/// Instruments of the Redis client: how long answered commands took (queued on a connection to reply read), and
/// failures by kind: <c>connection</c> (no connection, or it was lost), <c>timeout</c> (no reply within
/// <see cref="RedisOptions.CommandTimeout"/>), <c>server</c> (an error reply), <c>protocol</c> (a reply of the wrong shape).
/// </summary>
public sealed class RedisMetrics
{
    public const string MeterName = "PredictionCluster.Redis";

    private static readonly KeyValuePair<string, object?> ConnectionKind = new("kind", "connection");
    private static readonly KeyValuePair<string, object?> TimeoutKind = new("kind", "timeout");
    private static readonly KeyValuePair<string, object?> ServerKind = new("kind", "server");
    private static readonly KeyValuePair<string, object?> ProtocolKind = new("kind", "protocol");

    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;

    public RedisMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _duration = meter.CreateHistogram<double>("redis.command.duration", "s", "Time from sending a command to reading its reply, by command");
        _errors = meter.CreateCounter<long>("redis.errors", "{error}", "Commands that failed, by kind: connection, timeout, server, protocol");
        // Every kind exists from the start at 0, so that rate() sees the first error.
        foreach (var kind in (ReadOnlySpan<KeyValuePair<string, object?>>)[ConnectionKind, TimeoutKind, ServerKind, ProtocolKind])
        {
            _errors.Add(0, kind);
        }
    }

    internal void RecordReply(string command, long queuedAt) =>
        _duration.Record(Stopwatch.GetElapsedTime(queuedAt).TotalSeconds, new KeyValuePair<string, object?>("command", command));

    internal void RecordFailure(Exception exception) => _errors.Add(1, exception switch
    {
        RedisTimeoutException => TimeoutKind,
        RedisConnectionException => ConnectionKind,
        RedisServerException => ServerKind,
        _ => ProtocolKind,
    });
}
