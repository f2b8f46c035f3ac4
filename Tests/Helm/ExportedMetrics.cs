namespace Tests.Helm;

/// <summary>
/// The Prometheus metric families the API and silos export on /metrics (OpenTelemetry's Prometheus exporter), with
/// the labels queries may use, as docs/operations.md documents them. The Grafana dashboard and the HPA's custom
/// metric may name only these; <c>Tests.Metrics.ExportedMetricsTests</c> checks a running API and silo export each.
/// </summary>
public static class ExportedMetrics
{
    public static readonly IReadOnlyDictionary<string, string[]> Labels = new Dictionary<string, string[]>
    {
        ["http_server_request_duration_seconds"] = ["http_route", "http_request_method", "http_response_status_code"],
        ["api_rejected_requests_total"] = ["reason"],
        ["predictions_total"] = ["tier"],
        ["model_predictions_total"] = ["model_id", "label"],
        ["model_inferences_total"] = ["model_id", "label"],
        ["model_top_score"] = ["model_id"],
        ["model_drift_label_psi"] = ["model_id"],
        ["model_drift_score_psi"] = ["model_id"],
        ["orleans_grains"] = ["grain_type"],
        ["orleans_app_requests_latency_milliseconds"] = [],
        ["inference_queue_depth"] = [],
        ["inference_queue_expected_wait_seconds"] = [],
        ["inference_batch_size"] = [],
        ["inference_batch_duration_seconds"] = [],
        ["inference_rejected_total"] = [],
        ["dotnet_process_cpu_time_seconds_total"] = ["cpu_mode"],
        ["dotnet_process_memory_working_set_bytes"] = [],
    };

    /// <summary>
    /// Labels on every series: Prometheus' target labels through the chart's ServiceMonitor (and podTargetLabels:
    /// app.kubernetes.io/component), the exporter's <c>otel_scope_name</c> (the meter), and a histogram bucket's <c>le</c>.
    /// </summary>
    public static readonly IReadOnlySet<string> TargetLabels = new HashSet<string>
    {
        "namespace", "pod", "service", "job", "instance", "container", "endpoint", "app_kubernetes_io_component", "otel_scope_name", "le",
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
