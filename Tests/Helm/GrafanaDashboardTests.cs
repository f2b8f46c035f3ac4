using System.Text.Json;
using System.Text.RegularExpressions;
using Tests.Infrastructure;

namespace Tests.Helm;

/// <summary>The Grafana dashboard ConfigMap: picked up by the sidecar, valid JSON, queries over metrics the service exports.</summary>
public sealed partial class GrafanaDashboardTests
{
    private static JsonDocument RenderedDashboard(out Manifest configMap)
    {
        configMap = HelmChart.Render("default").Single("ConfigMap", "-dashboard");
        var json = Assert.Single(configMap.Root.Strings("data")).Value;
        return JsonDocument.Parse(json);
    }

    private static IEnumerable<JsonElement> Panels(JsonDocument dashboard) =>
        dashboard.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row");

    private static IEnumerable<string> Queries(JsonDocument dashboard) =>
        Panels(dashboard).SelectMany(p => p.GetProperty("targets").EnumerateArray()).Select(t => t.GetProperty("expr").GetString()!);

    [Fact]
    public void ConfigMap_CarriesTheSidecarLabel_AndTheChartFileVerbatim()
    {
        using var dashboard = RenderedDashboard(out var configMap);
        Assert.Equal("1", configMap.Labels["grafana_dashboard"]);
        string file = File.ReadAllText(Path.Combine(HelmChart.ChartDirectory, "dashboards", "prediction-cluster.json"));
        Assert.Equal(file.TrimEnd(), configMap.Root.Strings("data").Single().Value.TrimEnd());
    }

    [Fact]
    public void Datasource_IsAVariable_UsedByEveryPanelAndQuery()
    {
        using var dashboard = RenderedDashboard(out _);
        var variables = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray();
        Assert.Contains(variables, v => v.GetProperty("name").GetString() == "datasource" && v.GetProperty("type").GetString() == "datasource"
                                        && v.GetProperty("query").GetString() == "prometheus");
        foreach (var panel in Panels(dashboard))
        {
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.All(panel.GetProperty("targets").EnumerateArray(), t => Assert.Equal("${datasource}", t.GetProperty("datasource").GetProperty("uid").GetString()));
        }
    }

    [Fact]
    public void EveryQuery_NamesOnlyExportedMetrics()
    {
        using var dashboard = RenderedDashboard(out _);
        foreach (var query in Queries(dashboard))
        {
            var selectors = SeriesSelector().Matches(query).ToArray();
            Assert.True(selectors.Length > 0, $"no metric in '{query}'");
            foreach (var selector in selectors)
            {
                string family = ExportedMetrics.Family(selector.Groups["name"].Value);
                Assert.True(ExportedMetrics.Labels.TryGetValue(family, out var labels), $"'{selector.Value}' in '{query}' is not an exported metric");
                foreach (Match matcher in LabelMatcher().Matches(selector.Groups["matchers"].Value))
                {
                    string label = matcher.Groups[1].Value;
                    Assert.True(labels.Contains(label) || ExportedMetrics.TargetLabels.Contains(label), $"{family} has no label '{label}' ('{query}')");
                }
            }
        }
    }

    [Fact]
    public void Panels_CoverThroughputLatencyPercentilesHitRatioBatchingQueueResourcesErrorsAndActivations()
    {
        using var dashboard = RenderedDashboard(out _);
        var queries = Queries(dashboard).ToArray();
        foreach (var quantile in (string[])["0.5", "0.95", "0.99"])
        {
            Assert.Contains(queries, q => q.Contains($"histogram_quantile({quantile}, sum by (le) (rate(http_server_request_duration_seconds_bucket", StringComparison.Ordinal));
        }
        Assert.Contains(queries, q => q.Contains("rate(http_server_request_duration_seconds_count", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("sum by (tier) (rate(predictions_total", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("http_response_status_code=~\"5..\"", StringComparison.Ordinal));
        foreach (var metric in (string[])["inference_batch_size_bucket", "inference_queue_depth", "inference_rejected_total", "api_rejected_requests_total",
                     "dotnet_process_cpu_time_seconds_total", "dotnet_process_memory_working_set_bytes", "orleans_grains", "orleans_app_requests_latency_milliseconds_bucket"])
        {
            Assert.Contains(queries, q => q.Contains(metric, StringComparison.Ordinal));
        }
        Assert.Contains(queries, q => q.Contains("by (pod) (rate(dotnet_process_cpu_time_seconds_total", StringComparison.Ordinal));
        // The model's answers: the label mix (all answers and inferred ones) and how sure it is.
        Assert.Contains(queries, q => q.Contains("sum by (label) (rate(model_predictions_total", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("sum by (label) (rate(model_inferences_total", StringComparison.Ordinal));
        Assert.Contains(queries, q => q.Contains("rate(model_top_score_bucket", StringComparison.Ordinal));
    }

    [Fact]
    public void ExportedMetrics_AreTheOnesTheOperationsGuideDocuments()
    {
        // docs/operations.md (the /metrics reference) is written with the exporter; until it exists the list stands alone.
        var guide = Path.Combine(RepositoryPaths.Root, "docs", "operations.md");
        if (!File.Exists(guide))
        {
            return;
        }
        string text = File.ReadAllText(guide);
        Assert.All(ExportedMetrics.Names, name => Assert.Contains(name, text));
    }

    [Fact]
    public void NoQuery_NamesAMetricThatNoLongerExists()
    {
        using var dashboard = RenderedDashboard(out _);
        // Names and labels of our own exporter before OpenTelemetry's: process_* and route/status labels.
        foreach (var gone in (string[])["redis_", "routing_", "membership_size", "{activations", "(activations", "process_cpu_seconds_total",
                     "process_resident_memory_bytes", " route=", " status=", "(status", "(route"])
        {
            Assert.DoesNotContain(Queries(dashboard), q => q.Contains(gone, StringComparison.Ordinal));
        }
    }

    /// <summary>A series selector in PromQL: a metric name directly followed by its label matchers.</summary>
    [GeneratedRegex(@"\b(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)\{(?<matchers>[^}]*)\}")]
    private static partial Regex SeriesSelector();

    /// <summary>One label matcher inside a selector: <c>label="v"</c>, <c>=~</c>, <c>!=</c>, <c>!~</c>.</summary>
    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)")]
    private static partial Regex LabelMatcher();
}
