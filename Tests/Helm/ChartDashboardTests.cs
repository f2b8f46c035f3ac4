using System.Text;
using PredictionCluster.ServiceDefaults.Operators;

namespace Tests.Helm;

/// <summary>The dashboard's operator key in the chart: in a Secret (generated, given, or an existing one), read by the API and every silo.</summary>
public sealed class ChartDashboardTests
{
    private const string KeyName = "dashboard-operator-key";

    private const string Variable = "Dashboard__OperatorKey";

    [Fact]
    public void OperatorKey_IsGeneratedIntoTheSecret_AndTheApiAndSilosReadIt()
    {
        var chart = HelmChart.Render("default");
        var secret = chart.OfKind("Secret").Single();
        Assert.True(Convert.FromBase64String(secret.Root.Strings("data")[KeyName]).Length >= OperatorKeyOptions.MinimumLength);

        var readers = DotnetWorkloads(chart).ToArray();
        Assert.Equal(["Deployment", "StatefulSet"], readers.Select(r => r.Workload.Kind).Order());
        foreach (var (workload, container) in readers)
        {
            var reference = Manifest.Env(container, Variable).At("valueFrom", "secretKeyRef");
            Assert.True(reference is not null, $"{workload} has no {Variable}");
            Assert.Equal((secret.Name, KeyName, null), (reference.Text("name"), reference.Text("key"), reference.Text("optional")));
        }
        // Neither Redis knows anything of it.
        Assert.Null(Manifest.Env(chart.Component("StatefulSet", "redis").Containers.Single(), Variable));
        Assert.Null(Manifest.Env(chart.Component("StatefulSet", "predictions-redis").Containers.Single(), Variable));
    }

    [Fact]
    public void OperatorKey_GivenInValues_IsTheOneInTheSecret()
    {
        const string key = "an-operator-key-of-the-operators-choice";
        var chart = HelmChart.RenderWith("--set", $"dashboard.operatorKey={key}");
        string stored = Encoding.UTF8.GetString(Convert.FromBase64String(chart.OfKind("Secret").Single().Root.Strings("data")[KeyName]));
        Assert.Equal(key, stored);
    }

    [Fact]
    public void OperatorKey_WithAnExistingSecret_IsReadFromIt_AndMayBeAbsentThere()
    {
        var chart = HelmChart.Render("production");
        Assert.Empty(chart.OfKind("Secret"));
        foreach (var (workload, container) in DotnetWorkloads(chart))
        {
            var reference = Manifest.Env(container, Variable).At("valueFrom", "secretKeyRef");
            Assert.True(reference is not null, $"{workload} has no {Variable}");
            // Optional: a Secret made before the dashboard had a key still starts the pods (the dashboard then answers loopback only).
            Assert.Equal(("prediction-secrets", KeyName, "true"), (reference.Text("name"), reference.Text("key"), reference.Text("optional")));
        }
    }

    [Fact]
    public void ExternalRedisWithoutPassword_StillGetsASecret_HoldingNoRedisPassword()
    {
        var chart = HelmChart.Render("external-redis");
        Assert.DoesNotContain("redis-password", chart.OfKind("Secret").Single().Root.Strings("data").Keys);
        Assert.Equal([KeyName], HelmChart.RenderWith("--set", "redis.enabled=false", "--set", "redis.external.endpoint=redis.example.com:6379",
            "--set", "storage.redis.enabled=false").OfKind("Secret").Single().Root.Strings("data").Keys);
        Assert.All(DotnetWorkloads(chart), reader =>
        {
            Assert.Null(Manifest.Env(reader.Container, "Redis__Password"));
            Assert.NotNull(Manifest.Env(reader.Container, Variable));
        });
    }

    [Fact]
    public void OperatorKey_ShorterThanTheServiceAccepts_IsRefusedAtRender()
    {
        string shortKey = new('k', OperatorKeyOptions.MinimumLength - 1);
        var (exitCode, output) = HelmChart.Run(["template", "prod", HelmChart.ChartDirectory, "--set", $"dashboard.operatorKey={shortKey}"]);
        Assert.True(exitCode != 0, output);
        Assert.Contains($"at least {OperatorKeyOptions.MinimumLength} characters", output);
    }

    private static IEnumerable<(Manifest Workload, YamlDotNet.RepresentationModel.YamlNode Container)> DotnetWorkloads(RenderedChart chart) =>
        chart.Workloads.Where(w => !w.Name.EndsWith("-redis", StringComparison.Ordinal))
            .SelectMany(w => w.Containers.Select(c => (w, c)));
}
