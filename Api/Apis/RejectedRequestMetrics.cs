using System.Diagnostics.Metrics;

namespace PredictionCluster.Api.Apis;

/// <summary>Requests answered 503 because the service could not take them, by reason (overload is an operator's first question).</summary>
public sealed class RejectedRequestMetrics
{
    public const string MeterName = "PredictionCluster.Api";

    private static readonly KeyValuePair<string, object?> QueueFull = new("reason", "queue_full");
    private static readonly KeyValuePair<string, object?> ClusterUnavailable = new("reason", "cluster_unavailable");
    private static readonly KeyValuePair<string, object?> InferenceStopped = new("reason", "inference_stopped");

    private readonly Counter<long> _rejected;

    public RejectedRequestMetrics(IMeterFactory meterFactory)
    {
        _rejected = meterFactory.Create(MeterName)
            .CreateCounter<long>("api.rejected_requests", "{request}", "Requests answered 503: queue_full (an inference engine refused the request: over its queueing budget, or full), cluster_unavailable (no silo could answer), inference_stopped (the inference engine died)");
        // Every reason exists from the start at 0, so that rate() sees the first rejection.
        _rejected.Add(0, QueueFull);
        _rejected.Add(0, ClusterUnavailable);
        _rejected.Add(0, InferenceStopped);
    }

    public void RecordQueueFull() => _rejected.Add(1, QueueFull);

    public void RecordClusterUnavailable() => _rejected.Add(1, ClusterUnavailable);

    public void RecordInferenceStopped() => _rejected.Add(1, InferenceStopped);
}
