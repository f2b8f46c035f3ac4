namespace Api.Dashboard;

/// <summary>
/// Cluster-wide figures. Rates are per second over the window (null until there is an earlier snapshot); latencies in
/// milliseconds from histogram buckets; <see cref="HitRatio"/> is the share of predictions answered without the model.
/// </summary>
public sealed record DashboardTotals(
    double? RequestsPerSecond,
    double? ErrorsPerSecond,
    double? ClientErrorsPerSecond,
    double? RejectedPerSecond,
    double? RequestP50Ms,
    double? RequestP95Ms,
    double? RequestP99Ms,
    double RequestsTotal,
    double? PredictionsPerSecond,
    double? MemoryPerSecond,
    double? StoragePerSecond,
    double? InferencePerSecond,
    double? HitRatio,
    double PredictionsTotal,
    double Activations,
    double QueueDepth,
    double? BatchSizeMean,
    double? InferenceP50Ms,
    double? InferenceP95Ms,
    double? InferenceP99Ms,
    int LiveMembers);
