namespace PredictionCluster.Inference.Session;

/// <summary>
/// Session options applied when a model is opened. Execution mode is always sequential: the service runs many
/// small requests concurrently, so per-request graph parallelism would only add thread contention.
/// </summary>
public sealed record SessionSettings
{
    /// <summary>Threads used inside one operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads used across operators; ignored by ORT in sequential mode but still passed through.</summary>
    public int InterOpThreads { get; init; } = 1;

    /// <summary>Graph optimizations applied at load time.</summary>
    public GraphOptimization GraphOptimization { get; init; } = GraphOptimization.All;

    /// <summary>Whether the CPU allocator keeps an arena (faster, but memory is retained by the session).</summary>
    public bool EnableMemoryArena { get; init; } = true;

    /// <summary>Whether ORT plans intermediate buffers from previous runs with the same input shapes.</summary>
    public bool EnableMemoryPattern { get; init; } = true;

    /// <summary>
    /// Whether intra-op threads spin for more work after each operator instead of sleeping
    /// (<c>session.intra_op.allow_spinning</c>). Spinning shaves microseconds off back-to-back operators but burns
    /// CPU between runs that the request threads of a 2-core silo need.
    /// </summary>
    public bool AllowSpinning { get; init; } = true;
}
