namespace Tests.Helm;

/// <summary>
/// The Prometheus metric families the API and silos export on /metrics, with their labels, as docs/operations.md
/// documents them. The Grafana dashboard and the HPA's custom metric may name only these.
/// </summary>
public static class ExportedMetrics
{
    public static readonly IReadOnlyDictionary<string, string[]> Labels = new Dictionary<string, string[]>
    {
        ["http_server_request_duration_seconds"] = ["route", "method", "status"],
        ["api_rejected_requests_total"] = ["reason"],
        ["predictions_total"] = ["tier"],
        ["orleans_grains"] = ["grain_type"],
        ["inference_queue_depth"] = [],
        ["inference_batch_size"] = [],
        ["inference_batch_duration_seconds"] = [],
        ["inference_rejected_total"] = [],
        ["process_cpu_seconds_total"] = [],
        ["process_resident_memory_bytes"] = [],
    };

    /// <summary>
    /// Labels Prometheus adds to every series it scrapes through the chart's ServiceMonitor (target labels, and
    /// podTargetLabels: app.kubernetes.io/component), and a histogram bucket's <c>le</c>.
    /// </summary>
    public static readonly IReadOnlySet<string> TargetLabels = new HashSet<string>
    {
        "namespace", "pod", "service", "job", "instance", "container", "endpoint", "app_kubernetes_io_component", "le",
    };

    public static IEnumerable<string> Names => Labels.Keys;

    /// <summary>The family of a series name: a histogram's _bucket, _sum and _count series belong to it.</summary>
    public static string Family(string series)
    {
        foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
        {
            if (series.EndsWith(suffix, StringComparison.Ordinal) && Labels.ContainsKey(series[..^suffix.Length]))
            {
                return series[..^suffix.Length];
            }
        }
        return series;
    }
}
