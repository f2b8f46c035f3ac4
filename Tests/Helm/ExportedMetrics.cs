namespace Tests.Helm;

/// <summary>
/// The Prometheus metric families the API and silos export on /metrics (docs/operations.md lists them with their
/// labels). The Grafana dashboard and the HPA's custom metric may name only these.
/// </summary>
public static class ExportedMetrics
{
    public static readonly IReadOnlySet<string> Names = new HashSet<string>
    {
        "http_server_request_duration_seconds",
        "predictions_total",
        "inference_batch_size",
        "inference_batch_duration_seconds",
        "inference_queue_depth",
        "inference_rejected_total",
        "activations",
        "membership_size",
        "routing_failovers_total",
        "redis_command_duration_seconds",
        "redis_errors_total",
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
    };

    /// <summary>The family of a series name: a histogram's _bucket, _sum and _count series belong to it.</summary>
    public static string Family(string series)
    {
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal) && Names.Contains(series[..^suffix.Length]))
            {
                return series[..^suffix.Length];
            }
        }
        return series;
    }
}
