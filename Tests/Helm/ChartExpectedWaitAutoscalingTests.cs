namespace Tests.Helm;

/// <summary>
/// The silo HPA's optional second signal: the engine's expected queueing wait (what admission refuses on), served
/// per pod by prometheus-adapter through the rule the chart ships. Off by default so CPU alone scales a plain install.
/// </summary>
public sealed class ChartExpectedWaitAutoscalingTests
{
    [Fact]
    public void Defaults_ScaleSilosOnCpuOnly_AndShipNoAdapterRule()
    {
        var chart = HelmChart.Render("default");
        var metrics = chart.Single("HorizontalPodAutoscaler", "-silo").Root.Items("spec", "metrics").ToArray();
        Assert.Equal("cpu", Assert.Single(metrics).Text("resource", "name"));
        Assert.DoesNotContain(chart.OfKind("ConfigMap"), m => m.Name.EndsWith("-silo-adapter-rules", StringComparison.Ordinal));
    }

    [Fact]
    public void Enabled_AddsTheExpectedWaitPodsMetric_BesideCpu_AndTheAdapterRuleServesThatName()
    {
        var chart = HelmChart.RenderWith("--set", "silo.autoscaling.expectedWait.enabled=true", "--set", "silo.autoscaling.expectedWait.averageValue=300m");
        var metrics = chart.Single("HorizontalPodAutoscaler", "-silo").Root.Items("spec", "metrics").ToArray();
        Assert.Contains(metrics, m => m.Text("type") == "Resource" && m.Text("resource", "name") == "cpu");
        var wait = Assert.Single(metrics, m => m.Text("type") == "Pods");
        var name = wait.Text("pods", "metric", "name");
        Assert.Equal("inference_queue_expected_wait_seconds", name);
        Assert.Contains(name!, ExportedMetrics.Labels.Keys);
        Assert.Equal("AverageValue", wait.Text("pods", "target", "type"));
        Assert.Equal("300m", wait.Text("pods", "target", "averageValue"));

        var rules = chart.Single("ConfigMap", "-silo-adapter-rules").Root.Text("data", "rules.yaml")!;
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(rules));
        var rule = Assert.Single(stream.Documents.Single().RootNode.Items("rules"));
        Assert.StartsWith("inference_queue_expected_wait_seconds{", rule.Text("seriesQuery"), StringComparison.Ordinal);
        Assert.Equal(name, rule.Text("name", "as"));
        Assert.Equal("pod", rule.Text("resources", "overrides", "pod", "resource"));
    }

    [Fact]
    public void Enabled_WithoutAdapterRules_KeepsTheHpaMetric_ForAnAdapterConfiguredElsewhere()
    {
        var chart = HelmChart.RenderWith("--set", "silo.autoscaling.expectedWait.enabled=true", "--set", "silo.autoscaling.expectedWait.adapterRules=false");
        Assert.Single(chart.Single("HorizontalPodAutoscaler", "-silo").Root.Items("spec", "metrics"), m => m.Text("type") == "Pods");
        Assert.DoesNotContain(chart.OfKind("ConfigMap"), m => m.Name.EndsWith("-silo-adapter-rules", StringComparison.Ordinal));
    }
}
