using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;

namespace PredictionCluster.Grains.Storage;

/// <summary>
/// The state of the circuit breaker in front of the predictions' grain storage (Polly's, built by
/// <see cref="StoragePipeline"/>), for readiness and the metrics; logs each outage once: a Warning when the breaker
/// opens, Information when it closes again.
/// </summary>
/// <remarks>
/// Polly raises "opened" again each time a half-open probe fails; a flag that only the first opening sets and only the
/// closing clears keeps that to one line per outage, however long Redis stays away.
/// </remarks>
public sealed partial class StorageCircuit(TimeProvider time, ILogger<StorageCircuit> logger)
{
    /// <summary>1 from the first opening of an outage until the breaker closes again.</summary>
    private int _open;

    /// <summary>When the outage's first opening happened (a <see cref="TimeProvider"/> timestamp).</summary>
    private long _openedAt;

    /// <summary>Attached to the breaker when the pipeline is built (the first storage call).</summary>
    public CircuitBreakerStateProvider State { get; } = new();

    /// <summary>True while calls are not let through: open, or half-open with its probe in flight.</summary>
    public bool IsOpen
    {
        get
        {
            try
            {
                // Closed until the pipeline is built (it is built on the first storage call).
                return State.CircuitState != CircuitState.Closed;
            }
            catch (ObjectDisposedException)
            {
                return false; // the host is being disposed with its pipelines
            }
        }
    }

    internal ValueTask OnOpened(OnCircuitOpenedArguments<object> args)
    {
        if (Interlocked.Exchange(ref _open, 1) == 0)
        {
            Volatile.Write(ref _openedAt, time.GetTimestamp());
            // The reason, not the exception: a timeout's stack trace says nothing an operator can use.
            LogOpened(args.BreakDuration.TotalMilliseconds, args.Outcome.Exception?.Message);
        }
        return ValueTask.CompletedTask;
    }

    internal ValueTask OnClosed(OnCircuitClosedArguments<object> args)
    {
        if (Interlocked.Exchange(ref _open, 0) == 1)
        {
            LogClosed(time.GetElapsedTime(Volatile.Read(ref _openedAt)).TotalSeconds);
        }
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage's circuit breaker opened: Redis does not answer in time ({Reason}). Reads are misses and writes are dropped, without waiting on Redis; first probe in {BreakMs:F0} ms")]
    private partial void LogOpened(double breakMs, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage's circuit breaker closed: Redis answers again, after {OpenSeconds:F1} s")]
    private partial void LogClosed(double openSeconds);
}
