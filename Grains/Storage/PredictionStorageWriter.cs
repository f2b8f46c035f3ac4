using System.Collections.Immutable;
using System.Threading.Channels;
using PredictionCluster.Grains.Prediction;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PredictionCluster.Grains.Storage;

/// <summary>
/// Stores computed predictions in the background, so that a grain answers before its scores reach Redis: a bounded
/// queue (<see cref="StorageOptions.WriteQueueCapacity"/>) drained by <see cref="Writers"/> concurrent writers, each
/// write within <see cref="StorageOptions.WriteTimeout"/> and through the breaker. A write that finds the queue full is
/// dropped and counted, never waited for; the scores stay in the activation either way. One per silo; started and
/// stopped with the silo (<c>PredictionStorageLifecycle</c>), draining what is queued within
/// <see cref="DrainTimeout"/> when it stops.
/// </summary>
internal sealed partial class PredictionStorageWriter
{
    /// <summary>
    /// Writes in flight at once. Redis on loopback answered eight clients 44,700 times a second (HSET, p50 0.095 ms,
    /// <c>redis-benchmark -c 8</c> on the 2-core test machine), above the 19,000 to 27,000 new texts a second the
    /// embedded service streamed with the lexicon model (docs/performance.md); and a Redis that hangs holds at most
    /// eight writes, each until its budget, before the breaker opens.
    /// </summary>
    internal const int Writers = 8;

    /// <summary>How long a stopping silo waits for queued writes; the rest are dropped and counted.</summary>
    internal static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    /// <summary>A full queue is logged at most this often, with the number dropped since the last line.</summary>
    internal static readonly TimeSpan QueueFullLogInterval = TimeSpan.FromSeconds(10);

    private readonly GuardedGrainStorage _storage;
    private readonly StorageMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<PredictionStorageWriter> _logger;
    private readonly int _capacity;
    private readonly Channel<PendingWrite> _queue;

    /// <summary>Cancelled when the drain runs out of time: writes in flight are given up.</summary>
    private readonly CancellationTokenSource _abandon = new();

    private Task _writers = Task.CompletedTask;

    /// <summary>Writes dropped for a full queue since the last log line.</summary>
    private long _unloggedDrops;

    /// <summary>When the last full-queue line was logged; <see cref="long.MinValue"/> before the first.</summary>
    private long _loggedAt = long.MinValue;

    public PredictionStorageWriter(GuardedGrainStorage storage, StorageMetrics metrics, IOptions<StorageOptions> options,
        TimeProvider time, ILogger<PredictionStorageWriter> logger)
    {
        _storage = storage;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _capacity = options.Value.WriteQueueCapacity;
        // Wait mode, but only TryWrite is ever called: a full queue makes it return false (DropWrite would say true).
        _queue = Channel.CreateBounded<PendingWrite>(new BoundedChannelOptions(_capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
        metrics.ObserveWriteQueue(() => _queue.Reader.Count);
    }

    /// <summary>Writes waiting for a writer.</summary>
    public int Queued => _queue.Reader.Count;

    /// <summary>
    /// Queues <paramref name="scores"/> to be stored as <paramref name="grain"/>'s; false (dropped and counted as
    /// <see cref="StorageMetrics.QueueFull"/>) when the queue is full, or takes no more (the silo is stopping). Never blocks.
    /// </summary>
    public bool TryEnqueue(GrainId grain, ImmutableArray<float> scores)
    {
        if (_queue.Writer.TryWrite(new PendingWrite(grain, scores)))
        {
            return true;
        }
        _metrics.RecordWriteDropped(StorageMetrics.QueueFull);
        Interlocked.Increment(ref _unloggedDrops);
        LogQueueFullNowAndThen();
        return false;
    }

    public void Start()
    {
        var writers = new Task[Writers];
        for (int i = 0; i < writers.Length; i++)
        {
            writers[i] = Task.Run(WriteLoopAsync);
        }
        _writers = Task.WhenAll(writers);
    }

    /// <summary>Takes no more writes, stores what is queued within <see cref="DrainTimeout"/>, drops (and counts) the rest.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        try
        {
            await _writers.WaitAsync(DrainTimeout, _time, cancellationToken);
            return;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Out of time: give up the writes in flight and count what never left the queue.
        }
        await _abandon.CancelAsync();
        await _writers;
        long left = 0;
        while (_queue.Reader.TryRead(out _))
        {
            left++;
        }
        if (left > 0)
        {
            _metrics.RecordWriteDropped(StorageMetrics.Shutdown, left);
        }
        LogDrainTimedOut(DrainTimeout.TotalSeconds, left);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        try
        {
            while (await reader.WaitToReadAsync(_abandon.Token))
            {
                // Once the drain has run out of time what is left stays queued, to be counted instead of sent.
                while (!_abandon.IsCancellationRequested && reader.TryRead(out var write))
                {
                    await WriteAsync(write);
                }
            }
        }
        catch (OperationCanceledException) when (_abandon.IsCancellationRequested)
        {
            // The drain ran out of time.
        }
    }

    private async Task WriteAsync(PendingWrite write)
    {
        // Its own state object with no ETag: stored only if no other activation stored the key first.
        var state = new GrainState<PredictionState>(new PredictionState { Scores = write.Scores });
        var outcome = await _storage.WriteAsync(write.Grain, state, _abandon.Token);
        switch (outcome)
        {
            case StorageOutcome.Done:
                break;
            case StorageOutcome.Conflict:
                // Another activation (a silo that was thought dead, or a read that failed or timed out) stored this
                // key first. Predictions are pure functions of model and text: its copy is as good as ours.
                LogConcurrentWrite(write.Grain.Key.ToString()!);
                break;
            default:
                _metrics.RecordWriteDropped(outcome);
                break;
        }
    }

    private void LogQueueFullNowAndThen()
    {
        long now = _time.GetTimestamp();
        long loggedAt = Interlocked.Read(ref _loggedAt);
        if (loggedAt != long.MinValue && _time.GetElapsedTime(loggedAt, now) < QueueFullLogInterval)
        {
            return;
        }
        if (Interlocked.CompareExchange(ref _loggedAt, now, loggedAt) == loggedAt)
        {
            LogQueueFull(_capacity, Interlocked.Exchange(ref _unloggedDrops, 0), QueueFullLogInterval.TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Prediction {Key} was already stored by another activation")]
    private partial void LogConcurrentWrite(string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The prediction write queue is full ({Capacity}): {Dropped} writes dropped (scores kept in memory only); logged at most every {IntervalSeconds:F0} s")]
    private partial void LogQueueFull(int capacity, long dropped, double intervalSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping: queued prediction writes did not finish within {DrainSeconds:F0} s; {Left} left in the queue were dropped")]
    private partial void LogDrainTimedOut(double drainSeconds, long left);

    /// <summary>Scores to store as a grain's.</summary>
    private readonly record struct PendingWrite(GrainId Grain, ImmutableArray<float> Scores);
}
