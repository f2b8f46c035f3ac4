using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PredictionCluster.Inference;

/// <summary>
/// The silo's batching engine (a DI singleton that InferenceGrain activations hand texts to): texts are tokenized by
/// the caller, admitted whole request by whole request within a queueing budget (<see cref="AdmissionControl"/>),
/// queued, gathered into batches of at most <see cref="InferenceOptions.MaxBatchSize"/> texts and
/// <see cref="InferenceOptions.MaxBatchTokens"/> padded tokens, and run by dedicated worker threads. A batch is
/// formed as soon as a worker is idle and a text waits: a lone text on an idle engine runs at once, and under load
/// batches fill by themselves because texts queue while every worker is busy; nothing ever waits for company.
/// Batches group texts of similar length (<see cref="LengthAwareBatcher"/>), never passing a text over for longer
/// than <see cref="InferenceOptions.MaxReorderDelay"/>. Every time read goes through the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed partial class InferenceEngine : IHostedService, IDisposable
{
    // Batches' worth of texts the batch loop looks at when it forms a batch.
    private const int StageBatches = 4;

    // A model that fails keeps failing for every text that triggers it: one log line per interval carries the
    // count, rather than one line per request.
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromMinutes(1);

    private readonly SentimentModel _model;
    private readonly InferenceOptions _options;
    private readonly InferenceMetrics _metrics;
    private readonly ILogger<InferenceEngine> _logger;
    private readonly TimeProvider _time;
    private readonly AdmissionControl _admission;
    private readonly Channel<InferenceRequest> _queue;
    private readonly InferenceWorker[] _workers;
    /// <summary>Workers with nothing to do; <see cref="_idleCount"/> counts them for the batch loop to await.</summary>
    private readonly ConcurrentQueue<InferenceWorker> _idle = new();
    private readonly SemaphoreSlim _idleCount = new(0);
    /// <summary>
    /// Texts taken off the queue but not yet batched, oldest first (batch loop only). A window of several
    /// batches lets each batch gather texts of similar length, so little of a run is spent on padding.
    /// </summary>
    private readonly List<InferenceRequest> _staged;
    private readonly int _stageCapacity;
    /// <summary>How many texts of one request the window holds at most: enough batches to keep every worker busy, at most half the window.</summary>
    private readonly int _requestShare;
    private readonly StagingOverflow _overflow = new();
    /// <summary>Staged texts per request of several texts (batch loop only; recounted at each staging).</summary>
    private readonly Dictionary<Guid, int> _stagedByRequest = [];
    private readonly LengthAwareBatcher _batcher;
    private int _stagedCount;
    private Task? _batchLoop;
    /// <summary>Set once, before the queue is completed with it, when the batch loop has died.</summary>
    private volatile InferenceUnavailableException? _failure;
    /// <summary>Per <see cref="InferenceFailure"/>: texts failed since the last log line, and when (timestamp) the next may be written.</summary>
    private readonly long[] _failuresSinceLog = new long[Enum.GetValues<InferenceFailure>().Length];
    private readonly long[] _nextFailureLogAt = new long[Enum.GetValues<InferenceFailure>().Length];

    /// <param name="timeProvider">The clock of every wait and measurement (tests pass a fake one); the system's when null.</param>
    public InferenceEngine(SentimentModel model, IOptions<InferenceOptions> options, InferenceMetrics metrics, ILogger<InferenceEngine> logger,
        TimeProvider? timeProvider = null)
    {
        _model = model;
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _time = timeProvider ?? TimeProvider.System;
        _admission = new AdmissionControl(_time, _options);
        // Admission keeps admitted texts within the capacity, so the bound is a safety net, never what refuses.
        _queue = Channel.CreateBounded<InferenceRequest>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _stageCapacity = StageBatches * _options.MaxBatchSize;
        _staged = new List<InferenceRequest>(_stageCapacity);
        _requestShare = Math.Max(1, Math.Min(_options.MaxBatchSize * _options.WorkerCount, _stageCapacity / 2));
        _batcher = new LengthAwareBatcher(_options.MaxBatchSize, _options.MaxBatchTokens, _stageCapacity, _options.MaxReorderDelay, _time, metrics);
        _workers = new InferenceWorker[_options.WorkerCount];
        for (int i = 0; i < _workers.Length; i++)
        {
            _workers[i] = new InferenceWorker(i, model, _options, metrics, ReturnIdle, ReportFailure, batch => BatchRunning?.Invoke(batch), _admission, _time);
        }
        metrics.ObserveQueueDepth(() => QueueDepth);
        metrics.ObserveAdmission(() => _admission.TokensPerSecond, () => _admission.ExpectedWait.TotalSeconds);
    }

    /// <summary>Why the engine stopped taking texts after an internal error; null while it works (readiness).</summary>
    public Exception? Failure => _failure;

    /// <summary>
    /// Test seam: runs on the batch loop with each batch it has formed, before a worker runs it. A hook that throws
    /// kills the loop the way a bug in it would.
    /// </summary>
    internal Action<IReadOnlyList<InferenceRequest>>? BatchFormed { get; set; }

    /// <summary>
    /// Test seam: runs on a worker thread with each batch, inside the timed run (a test's fake clock advanced here
    /// is the batch's measured duration; a hook that blocks keeps the worker busy).
    /// </summary>
    internal Action<IReadOnlyList<InferenceRequest>>? BatchRunning { get; set; }

    /// <summary>Texts waiting for a batch (queued or staged).</summary>
    public int QueueDepth => _queue.Reader.Count + Volatile.Read(ref _stagedCount);

    /// <summary>The measured throughput of all workers, in token-equivalents per second: padded tokens plus a fixed cost per run (0 until a batch has run).</summary>
    public double TokensPerSecond => _admission.TokensPerSecond;

    /// <summary>The expected wait of a text arriving now: the work admitted ahead of it over <see cref="TokensPerSecond"/>.</summary>
    public TimeSpan ExpectedWait => _admission.ExpectedWait;

    /// <summary>Scores one text that is a request of its own.</summary>
    public ValueTask<InferenceOutcome> InferAsync(string text, CancellationToken cancellationToken) =>
        InferAsync(text, Guid.Empty, 1, cancellationToken);

    /// <summary>
    /// Scores one text of request <paramref name="requestId"/>, which sends <paramref name="requestTexts"/> texts: the
    /// first of them to arrive admits or refuses the request as a whole (<see cref="AdmissionControl"/>). Refused, the
    /// outcome says so at once (<see cref="InferenceOutcome.IsRefused"/>) and nothing is queued.
    /// </summary>
    public ValueTask<InferenceOutcome> InferAsync(string text, Guid requestId, int requestTexts, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<InferenceOutcome>(cancellationToken);
        }
        if (_failure is { } failed)
        {
            return ValueTask.FromException<InferenceOutcome>(failed);
        }
        long[] ids = ArrayPool<long>.Shared.Rent(_model.MaxTokens);
        int length = _model.Tokenizer.Encode(text, ids.AsSpan(0, _model.MaxTokens));
        var (admitted, retryAfter, ticket, fairTag) = _admission.TryAdmit(requestId, requestTexts, length);
        if (!admitted)
        {
            // Over the budget: say so now rather than make the caller wait behind the backlog.
            ArrayPool<long>.Shared.Return(ids);
            _metrics.RecordRejected();
            return ValueTask.FromResult(InferenceOutcome.Refused(retryAfter));
        }
        var request = new InferenceRequest(ids, length, _time.GetTimestamp(), _admission, cancellationToken, ticket, fairTag);
        if (!_queue.Writer.TryWrite(request))
        {
            request.Release();
            if (_failure is { } failure)
            {
                return ValueTask.FromException<InferenceOutcome>(failure);
            }
            // Shutting down (draining): refused like an overload, so the caller tries again elsewhere or later.
            _metrics.RecordRejected();
            return ValueTask.FromResult(InferenceOutcome.Refused(TimeSpan.FromSeconds(1)));
        }
        return new ValueTask<InferenceOutcome>(request.Completion.Task);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var worker in _workers)
        {
            worker.Launch();
            ReturnIdle(worker);
        }
        _batchLoop = Task.Run(BatchLoopAsync, CancellationToken.None);
        LogStarted(_workers.Length, _options.MaxBatchSize, _options.MaxBatchTokens, _options.MaxQueueTime.TotalMilliseconds, _options.MaxReorderDelay.TotalMilliseconds);
        return Task.CompletedTask;
    }

    /// <summary>Stops taking texts, runs what is queued (drain), then lets the workers exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (_batchLoop is null)
        {
            return;
        }
        try
        {
            await _batchLoop.WaitAsync(cancellationToken);
            foreach (var worker in _workers)
            {
                worker.Stop();
            }
            await Task.WhenAll(_workers.Select(w => w.Exited.Task)).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            LogDrainTimedOut(QueueDepth);
        }
    }

    public void Dispose() => _queue.Writer.TryComplete();

    private void ReturnIdle(InferenceWorker worker)
    {
        _idle.Enqueue(worker);
        _idleCount.Release();
    }

    private async Task BatchLoopAsync()
    {
        var reader = _queue.Reader;
        InferenceWorker? filling = null;
        try
        {
            while (true)
            {
                await _idleCount.WaitAsync().ConfigureAwait(false);
                if (!_idle.TryDequeue(out filling))
                {
                    throw new InvalidOperationException("Idle worker count and idle queue disagree.");
                }
                if (!await CollectAsync(reader, filling.Batch).ConfigureAwait(false))
                {
                    ReturnIdle(filling);
                    return;
                }
                BatchFormed?.Invoke(filling.Batch);
                filling.Start();
                filling = null;
            }
        }
        catch (Exception e)
        {
            LogBatchLoopFailed(e);
            FailWaiting(new InferenceUnavailableException("The inference engine stopped after an internal error; restart the service.", e), filling);
        }
    }

    /// <summary>
    /// After the batch loop died: refuses new texts and fails every text that would otherwise wait forever (queued,
    /// staged, or in a batch no worker was given), so callers hear at once instead of at their timeout.
    /// </summary>
    private void FailWaiting(InferenceUnavailableException failure, InferenceWorker? filling)
    {
        // Published before the queue completes, so a writer refused by the completed queue finds the reason.
        _failure = failure;
        _queue.Writer.TryComplete(failure);
        var waiting = new List<InferenceRequest>(_staged);
        waiting.AddRange(_overflow.TakeAll());
        _staged.Clear();
        Volatile.Write(ref _stagedCount, 0);
        if (filling is not null)
        {
            waiting.AddRange(filling.Batch);
            filling.Batch.Clear();
        }
        // The queue takes no more writes, so this drains it to the end.
        while (_queue.Reader.TryRead(out var queued))
        {
            waiting.Add(queued);
        }
        foreach (var request in waiting)
        {
            request.Completion.TrySetException(failure);
            request.Release();
        }
    }

    /// <summary>
    /// Texts the model could not score: counted, and logged at most once per interval for each kind of failure,
    /// with the count (each kind is a different fault to fix, so one does not hide the other).
    /// </summary>
    private void ReportFailure(InferenceFailedException failure, int texts)
    {
        int kind = (int)failure.Reason;
        Interlocked.Add(ref _failuresSinceLog[kind], texts);
        long now = _time.GetTimestamp();
        long due = Interlocked.Read(ref _nextFailureLogAt[kind]);
        long interval = (long)(FailureLogInterval.TotalSeconds * _time.TimestampFrequency);
        if (now < due || Interlocked.CompareExchange(ref _nextFailureLogAt[kind], now + interval, due) != due)
        {
            return;
        }
        LogInferenceFailed(failure, failure.Reason, Interlocked.Exchange(ref _failuresSinceLog[kind], 0), (long)FailureLogInterval.TotalSeconds);
    }

    /// <summary>
    /// Fills <paramref name="batch"/> for an idle worker from what waits now, without waiting for more: waiting for
    /// company only delays a lone text, and under load the queue fills while every worker is busy. False when the
    /// queue is completed and nothing is left.
    /// </summary>
    private async ValueTask<bool> CollectAsync(ChannelReader<InferenceRequest> reader, List<InferenceRequest> batch)
    {
        while (true)
        {
            Stage(reader);
            if (_staged.Count > 0)
            {
                break;
            }
            if (!await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                return false;
            }
        }
        _batcher.Form(_staged, batch);
        Volatile.Write(ref _stagedCount, _staged.Count + _overflow.Count);
        long started = long.MinValue;
        foreach (var request in batch)
        {
            started = Math.Max(started, request.FairTag);
        }
        _admission.Started(started);
        return true;
    }

    /// <summary>
    /// Moves queued texts into the staging window (up to its size), dropping callers that gave up. No request holds
    /// more than its share of the window: its further texts wait in <see cref="_overflow"/>, in order, so the texts of
    /// requests queued behind a large one still reach the window and are batched beside it.
    /// </summary>
    private void Stage(ChannelReader<InferenceRequest> reader)
    {
        _stagedByRequest.Clear();
        foreach (var staged in _staged)
        {
            if (staged.RequestId != Guid.Empty)
            {
                _stagedByRequest[staged.RequestId] = _stagedByRequest.GetValueOrDefault(staged.RequestId) + 1;
            }
        }
        _overflow.Refill(_staged, _stagedByRequest, _requestShare, _stageCapacity, Drop);
        while (_staged.Count < _stageCapacity && reader.TryRead(out var next))
        {
            if (next.IsAbandoned)
            {
                Drop(next);
                continue;
            }
            var requestId = next.RequestId;
            if (requestId != Guid.Empty)
            {
                int inWindow = _stagedByRequest.GetValueOrDefault(requestId);
                if (inWindow >= _requestShare || _overflow.Holds(requestId))
                {
                    _overflow.Add(next);
                    continue;
                }
                _stagedByRequest[requestId] = inWindow + 1;
            }
            _staged.Add(next);
        }
        Volatile.Write(ref _stagedCount, _staged.Count + _overflow.Count);
    }

    private void Drop(InferenceRequest request)
    {
        _metrics.RecordDropped();
        request.Release();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Inference started: {Workers} worker(s), batches of at most {MaxBatchSize} texts / {MaxBatchTokens} padded tokens, queueing budget {MaxQueueMs} ms, reorder delay {ReorderMs} ms")]
    private partial void LogStarted(int workers, int maxBatchSize, int maxBatchTokens, double maxQueueMs, double reorderMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Shutdown timed out with {QueueDepth} text(s) still queued")]
    private partial void LogDrainTimedOut(int queueDepth);

    [LoggerMessage(Level = LogLevel.Error, Message = "The model could not score {Texts} text(s) ({Reason}) since the last such message; the next is logged in {IntervalSeconds} s at the earliest")]
    private partial void LogInferenceFailed(Exception exception, InferenceFailure reason, long texts, long intervalSeconds);

    [LoggerMessage(Level = LogLevel.Critical, Message = "The batch loop failed; inference stops, every waiting and later text fails, readiness turns unhealthy")]
    private partial void LogBatchLoopFailed(Exception exception);
}
