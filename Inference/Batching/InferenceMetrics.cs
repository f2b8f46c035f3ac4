using System.Diagnostics.Metrics;

namespace PredictionCluster.Inference.Batching;

/// <summary>Instruments of the batching inference path.</summary>
public sealed class InferenceMetrics
{
    public const string MeterName = "PredictionCluster.Inference";

    /// <summary>Texts per inference batch (1..64), fine enough at the small end where batches form under light load.</summary>
    private static readonly int[] BatchSizeBuckets = [1, 2, 4, 8, 12, 16, 24, 32, 48, 64];

    /// <summary>Padded tokens per batch: rows x longest row, up to the default 8192 cap and beyond.</summary>
    private static readonly int[] BatchTokenBuckets = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384];

    private readonly Meter _meter;

    public InferenceMetrics(IMeterFactory meterFactory)
    {
        var meter = _meter = meterFactory.Create(MeterName);
        Batches = meter.CreateCounter<long>("inference.batches", "{batch}", "ONNX Runtime runs");
        Inferences = meter.CreateCounter<long>("inference.texts", "{text}", "Texts run through the model");
        Rejected = meter.CreateCounter<long>("inference.rejected", "{text}", "Texts refused at admission: their request would wait past the queueing budget, or the queue is full");
        Dropped = meter.CreateCounter<long>("inference.dropped", "{text}", "Texts dropped before their batch ran because the caller gave up");
        BatchSize = meter.CreateHistogram("inference.batch.size", "{text}", "Texts per batch", null,
            new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchSizeBuckets });
        BatchTokens = meter.CreateHistogram("inference.batch.padded_tokens", "{token}", "Padded tokens per batch (rows x longest)", null,
            new InstrumentAdvice<int> { HistogramBucketBoundaries = BatchTokenBuckets });
        BatchDuration = meter.CreateHistogram<double>("inference.batch.duration", "s", "Time of one ONNX Runtime run");
        // Exported from the start at 0 (OpenTelemetry exports a counter only once something was added), so that
        // rate() sees the first rejection and the Grafana panels have a series to draw.
        Rejected.Add(0);
        Dropped.Add(0);
    }

    private long _batchCount, _textCount, _rejectedCount, _droppedCount;

    public Counter<long> Batches { get; }
    public Counter<long> Inferences { get; }
    public Counter<long> Rejected { get; }
    public Counter<long> Dropped { get; }
    public Histogram<int> BatchSize { get; }
    public Histogram<int> BatchTokens { get; }
    public Histogram<double> BatchDuration { get; }

    /// <summary>Totals since start, for tests and benchmarks (instruments only publish to listeners).</summary>
    public long BatchCount => Interlocked.Read(ref _batchCount);
    public long TextCount => Interlocked.Read(ref _textCount);
    public long RejectedCount => Interlocked.Read(ref _rejectedCount);
    public long DroppedCount => Interlocked.Read(ref _droppedCount);

    /// <summary>Publishes the queue's depth (the queue is created after these instruments, by the grain that owns it).</summary>
    public void ObserveQueueDepth(Func<int> depth) =>
        _meter.CreateObservableGauge("inference.queue.depth", depth, "{text}", "Texts waiting for a batch (queued or staged)");

    /// <summary>Publishes the engine's measured throughput and the expected wait of a text arriving now (admission's figures).</summary>
    public void ObserveAdmission(Func<double> tokensPerSecond, Func<double> expectedWaitSeconds)
    {
        _meter.CreateObservableGauge("inference.throughput", tokensPerSecond, "{token}/s", "Measured throughput of the engine: padded tokens plus a fixed cost per run, per second (0 until a batch has run)");
        _meter.CreateObservableGauge("inference.queue.expected_wait", expectedWaitSeconds, "s", "Expected wait of a text arriving now: admitted work over the measured throughput");
    }

    public void RecordBatch(int texts, int paddedTokens, double seconds)
    {
        Interlocked.Increment(ref _batchCount);
        Interlocked.Add(ref _textCount, texts);
        Batches.Add(1);
        Inferences.Add(texts);
        BatchSize.Record(texts);
        BatchTokens.Record(paddedTokens);
        BatchDuration.Record(seconds);
    }

    public void RecordRejected()
    {
        Interlocked.Increment(ref _rejectedCount);
        Rejected.Add(1);
    }

    public void RecordDropped()
    {
        Interlocked.Increment(ref _droppedCount);
        Dropped.Add(1);
    }
}
