using System.Diagnostics.Metrics;

namespace PredictionCluster.Grains.Storage;

/// <summary>
/// Instruments of the predictions' storage tier: reads answered as misses and writes not stored because Redis did not
/// answer (or was not asked), the write queue, the breaker. Redis' own errors are in the logs and readiness.
/// </summary>
public sealed class StorageMetrics
{
    public const string MeterName = "PredictionCluster.Storage";

    private static readonly StorageOutcome[] ReadReasons = [StorageOutcome.TimedOut, StorageOutcome.Failed, StorageOutcome.CircuitOpen];

    private static readonly string[] WriteReasons = [QueueFull, "circuit_open", "timeout", "error", Shutdown];

    /// <summary>A write refused because the queue was full.</summary>
    public const string QueueFull = "queue_full";

    /// <summary>A write still queued or in flight when the silo stopped and the drain ran out of time.</summary>
    public const string Shutdown = "shutdown";

    private readonly Meter _meter;
    private readonly Counter<long> _readsFailed;
    private readonly Counter<long> _writesDropped;
    private long _readsFailedCount;
    private long _writesDroppedCount;
    private readonly long[] _droppedByReason = new long[WriteReasons.Length];

    public StorageMetrics(IMeterFactory meterFactory, StorageCircuit circuit)
    {
        _meter = meterFactory.Create(MeterName);
        _readsFailed = _meter.CreateCounter<long>("storage.reads.failed", "{read}",
            "Reads answered as a miss without Redis' answer, by reason: timeout (over Storage:ReadTimeout), error, circuit_open (not sent)");
        _writesDropped = _meter.CreateCounter<long>("storage.writes.dropped", "{write}",
            "Writes not stored (the scores stay in memory only), by reason: queue_full, circuit_open (not sent), timeout (over Storage:WriteTimeout), error, shutdown");
        _meter.CreateObservableGauge("storage.circuit.open", () => circuit.IsOpen ? 1 : 0, null,
            "1 while the breaker in front of grain storage is open (Redis does not answer: no call waits on it), else 0");
        // Every reason exists from the start at 0, so that rate() sees the first drop.
        foreach (var reason in ReadReasons)
        {
            _readsFailed.Add(0, new KeyValuePair<string, object?>("reason", ReasonOf(reason)));
        }
        foreach (var reason in WriteReasons)
        {
            _writesDropped.Add(0, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    /// <summary>Reads answered as misses without Redis' answer since start (tests).</summary>
    public long ReadsFailed => Interlocked.Read(ref _readsFailedCount);

    /// <summary>Writes not stored since start (tests).</summary>
    public long WritesDropped => Interlocked.Read(ref _writesDroppedCount);

    /// <summary>Writes not stored since start for <paramref name="reason"/> (tests).</summary>
    public long WritesDroppedFor(string reason) => Interlocked.Read(ref _droppedByReason[Array.IndexOf(WriteReasons, reason)]);

    /// <summary>Publishes the write queue's depth (the queue belongs to <see cref="PredictionStorageWriter"/>).</summary>
    public void ObserveWriteQueue(Func<int> depth) =>
        _meter.CreateObservableGauge("storage.write_queue.depth", depth, "{write}", "Writes waiting for a writer (at most Storage:WriteQueueCapacity)");

    public void RecordReadFailed(StorageOutcome outcome)
    {
        Interlocked.Increment(ref _readsFailedCount);
        _readsFailed.Add(1, new KeyValuePair<string, object?>("reason", ReasonOf(outcome)));
    }

    public void RecordWriteDropped(StorageOutcome outcome, long count = 1) => RecordWriteDropped(ReasonOf(outcome), count);

    public void RecordWriteDropped(string reason, long count = 1)
    {
        Interlocked.Add(ref _writesDroppedCount, count);
        Interlocked.Add(ref _droppedByReason[Array.IndexOf(WriteReasons, reason)], count);
        _writesDropped.Add(count, new KeyValuePair<string, object?>("reason", reason));
    }

    private static string ReasonOf(StorageOutcome outcome) => outcome switch
    {
        StorageOutcome.TimedOut => "timeout",
        StorageOutcome.CircuitOpen => "circuit_open",
        StorageOutcome.Abandoned => Shutdown,
        _ => "error",
    };
}
