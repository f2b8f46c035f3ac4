using PredictionCluster.Inference.Model;

namespace PredictionCluster.Inference.Batching;

/// <summary>
/// Runs batches on its own thread so ONNX Runtime's blocking call never holds a thread-pool thread.
/// The batch loop fills <see cref="Batch"/> while the worker is idle and then calls <see cref="Start"/>;
/// the worker hands itself back through the idle callback when done. Buffers are allocated once.
/// </summary>
internal sealed class InferenceWorker
{
    private readonly SentimentModel _model;
    private readonly InferenceMetrics _metrics;
    private readonly Action<InferenceWorker> _onIdle;
    private readonly Action<InferenceFailedException, int> _onFailure;
    private readonly Action<IReadOnlyList<InferenceRequest>> _beforeRun;
    private readonly AdmissionControl _admission;
    private readonly TimeProvider _time;
    private readonly long[][] _inputs;
    private readonly float[] _logits;
    private readonly SemaphoreSlim _start = new(0);
    private readonly Thread _thread;
    private volatile bool _stopping;

    /// <param name="onFailure">Told of each batch in which texts failed, with how many (the engine logs, throttled).</param>
    /// <param name="beforeRun">Called on this thread within the timed run (the engine's test seam).</param>
    /// <param name="admission">Told how long each run took, for the engine's measured throughput.</param>
    public InferenceWorker(int index, SentimentModel model, InferenceOptions options, InferenceMetrics metrics, Action<InferenceWorker> onIdle,
        Action<InferenceFailedException, int> onFailure, Action<IReadOnlyList<InferenceRequest>> beforeRun, AdmissionControl admission, TimeProvider time)
    {
        _model = model;
        _metrics = metrics;
        _onIdle = onIdle;
        _onFailure = onFailure;
        _beforeRun = beforeRun;
        _admission = admission;
        _time = time;
        int cells = Math.Max(options.MaxBatchTokens, model.MaxTokens);
        _inputs = new long[model.HasTokenTypeIds ? 3 : 2][];
        for (int i = 0; i < _inputs.Length; i++)
        {
            _inputs[i] = new long[cells];
        }
        _logits = new float[options.MaxBatchSize * model.LabelCount];
        _thread = new Thread(Loop) { IsBackground = true, Name = $"inference-{index}" };
    }

    /// <summary>Requests of the next batch; touched only by the batch loop while idle, by the worker while running.</summary>
    public List<InferenceRequest> Batch { get; } = [];

    /// <summary>Completes when the thread has exited.</summary>
    public TaskCompletionSource Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Launch() => _thread.Start();

    /// <summary>Runs <see cref="Batch"/> on the worker thread.</summary>
    public void Start() => _start.Release();

    /// <summary>Lets the thread exit once it is idle.</summary>
    public void Stop()
    {
        _stopping = true;
        _start.Release();
    }

    private void Loop()
    {
        try
        {
            while (true)
            {
                _start.Wait();
                if (Batch.Count == 0 && _stopping)
                {
                    return;
                }
                Run(Batch);
                Batch.Clear();
                _onIdle(this);
            }
        }
        finally
        {
            Exited.TrySetResult();
        }
    }

    private void Run(List<InferenceRequest> batch)
    {
        // Callers that gave up since the batch was collected are dropped, not run.
        int live = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            if (batch[i].IsAbandoned)
            {
                _metrics.RecordDropped();
                batch[i].Release();
                continue;
            }
            batch[live++] = batch[i];
        }
        batch.RemoveRange(live, batch.Count - live);
        if (live == 0)
        {
            return;
        }

        try
        {
            long started = 0;
            int columns = 0;
            try
            {
                // Similar lengths sit next to each other; rows are padded to the longest in the batch.
                batch.Sort(static (a, b) => a.Length.CompareTo(b.Length));
                columns = batch[^1].Length;
                Fill(batch, columns);
                started = _time.GetTimestamp();
                _beforeRun(batch);
                _model.Run(_inputs, live, columns, _logits);
            }
            catch (Exception e)
            {
                // The run is one call for the whole batch: no row has an answer, so every caller of it fails; the
                // worker lives on for the next batch.
                var failure = new InferenceFailedException(InferenceFailure.RunFailed, $"The model failed to run a batch of {live} text(s): {e.Message}", e);
                foreach (var request in batch)
                {
                    request.Completion.TrySetException(failure);
                }
                _onFailure(failure, live);
                return;
            }
            var elapsed = _time.GetElapsedTime(started);
            _metrics.RecordBatch(live, live * columns, elapsed.TotalSeconds);
            _admission.RecordRun(live * columns, elapsed);

            int labels = _model.LabelCount;
            InferenceFailedException? nonFinite = null;
            int nonFiniteCount = 0;
            for (int row = 0; row < live; row++)
            {
                var logits = _logits.AsSpan(row * labels, labels);
                if (Softmax.TryCompute(logits, out var scores))
                {
                    var queued = _time.GetElapsedTime(batch[row].ArrivedAt, started);
                    batch[row].Completion.TrySetResult(InferenceOutcome.Scored(scores, queued, elapsed));
                    continue;
                }
                nonFinite = new InferenceFailedException(InferenceFailure.NonFiniteScore,
                    $"The model produced a non-finite score (logits {string.Join(", ", logits.ToArray())}) for a text of {batch[row].Length} tokens.");
                nonFiniteCount++;
                batch[row].Completion.TrySetException(nonFinite);
            }
            if (nonFinite is not null)
            {
                _onFailure(nonFinite, nonFiniteCount);
            }
        }
        finally
        {
            foreach (var request in batch)
            {
                request.Release();
            }
        }
    }

    private void Fill(List<InferenceRequest> batch, int columns)
    {
        long pad = _model.Tokenizer.PaddingTokenId;
        var ids = _inputs[0];
        var mask = _inputs[1];
        for (int row = 0; row < batch.Count; row++)
        {
            var request = batch[row];
            int offset = row * columns;
            request.TokenIds.AsSpan(0, request.Length).CopyTo(ids.AsSpan(offset));
            ids.AsSpan(offset + request.Length, columns - request.Length).Fill(pad);
            mask.AsSpan(offset, request.Length).Fill(1);
            mask.AsSpan(offset + request.Length, columns - request.Length).Clear();
        }
        if (_inputs.Length > 2)
        {
            _inputs[2].AsSpan(0, batch.Count * columns).Clear();
        }
    }
}
