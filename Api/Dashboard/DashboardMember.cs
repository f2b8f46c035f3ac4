namespace Api.Dashboard;

/// <summary>One member's row: health, and its figures when it answered (rates per second over the window).</summary>
public sealed record DashboardMember(
    string Id,
    string Endpoint,
    MemberStatus Status,
    double? HeartbeatAgeSeconds,
    string? Error,
    double? Activations,
    double? QueueDepth,
    double? PredictionsPerSecond,
    double? HitRatio,
    double? BatchesPerSecond,
    double? BatchSizeMean,
    double? InferenceP50Ms,
    double? InferenceP95Ms,
    double? InferenceP99Ms,
    double? CpuCores,
    double? MemoryBytes);
