using System.ComponentModel.DataAnnotations;
using PredictionCluster.Inference.Session;

namespace PredictionCluster.Inference.Batching;

/// <summary>Dynamic batching, admission and ONNX Runtime settings. Section <c>Inference</c>.</summary>
public sealed class InferenceOptions
{
    public const string SectionName = "Inference";

    /// <summary>Texts per batch at most.</summary>
    [Range(1, 1024)]
    public int MaxBatchSize { get; set; } = 32;

    /// <summary>Padded tokens per batch at most (rows x longest row): bounds one run's cost and memory.</summary>
    [Range(2, 1 << 20)]
    public int MaxBatchTokens { get; set; } = 8192;

    /// <summary>
    /// The queueing budget: a request whose last text would wait longer than this (the work admitted ahead of it
    /// over the engine's measured throughput) is refused at once, so under overload accepted requests stay on time
    /// and the others hear "overloaded" in microseconds rather than after a backlog.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan MaxQueueTime { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>
    /// How long a text may be passed over for batches of texts that arrived after it (the batcher prefers texts of
    /// similar length); once the oldest waiting text has waited this long, the next batch is formed around it.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan MaxReorderDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Texts admitted and not yet finished (queued or running), at most: a bound on memory. Latency is bounded by
    /// <see cref="MaxQueueTime"/>; in embedded mode it must hold a whole request (<c>Api:MaxTexts</c>).
    /// </summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 2048;

    /// <summary>
    /// Batches run at the same time, each on its own dedicated thread; 0 = one per core. With one intra-op thread
    /// each, a core that another thread preempts stalls one batch, not every batch (a run with two intra-op threads
    /// waits for its slower thread at every operator): on 2 cores, 2 workers x 1 thread served ~9% more uncached
    /// texts/s than 1 worker x 2 threads, and a tighter seed-scenario p99 (docs/performance.md).
    /// </summary>
    [Range(0, 64)]
    public int Workers { get; set; }

    /// <summary>ONNX Runtime intra-op threads per run; 0 lets ORT pick (one per core).</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; } = 1;

    /// <summary><see cref="Workers"/> resolved: 0 means one per core the process may use.</summary>
    public int WorkerCount => Workers > 0 ? Workers : Math.Min(Environment.ProcessorCount, 64);

    public GraphOptimization GraphOptimization { get; set; } = GraphOptimization.All;

    public bool EnableMemoryArena { get; set; } = true;

    /// <summary>Whether ONNX Runtime's intra-op threads spin between operators (see <see cref="SessionSettings.AllowSpinning"/>).</summary>
    public bool AllowSpinning { get; set; } = true;

    /// <summary>The session settings these options describe.</summary>
    public SessionSettings ToSessionSettings() => new()
    {
        IntraOpThreads = IntraOpThreads,
        InterOpThreads = 1,
        GraphOptimization = GraphOptimization,
        EnableMemoryArena = EnableMemoryArena,
        EnableMemoryPattern = EnableMemoryArena,
        AllowSpinning = AllowSpinning,
    };
}
