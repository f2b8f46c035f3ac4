using System.Collections.Concurrent;
using Tests.Infrastructure;

namespace Tests.Helm;

/// <summary>
/// Runs the Helm v4 binary that scripts/setup.sh --test installs into .deps/tools/helm against helm/prediction-cluster.
/// Renders are cached per values set: the manifests are only read.
/// </summary>
public static class HelmChart
{
    private static readonly TimeSpan HelmTimeout = TimeSpan.FromSeconds(60);
    private static readonly ConcurrentDictionary<string, Lazy<RenderedChart>> s_renders = new();

    public static string ChartDirectory => Path.Combine(RepositoryPaths.Root, "helm", "prediction-cluster");

    public static string HelmPath => Path.Combine(RepositoryPaths.Root, ".deps", "tools", "helm");

    /// <summary>Named values sets every test can be run against: the defaults, the production example and variants.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> ValueSets = new Dictionary<string, string[]>
    {
        ["default"] = [],
        ["production"] = ["-f", Path.Combine(ChartDirectory, "values-production.yaml")],
        ["external-redis"] = ["--set", "redis.enabled=false", "--set", "redis.external.endpoint=redis.example.com:6379"],
        ["shared-redis"] = ["--set", "storage.redis.enabled=false"],
        ["model-url"] = ["--set", "model.source=url", "--set", "model.url=https://models.example.com/sst2/"],
        ["model-pvc"] = ["--set", "model.source=pvc", "--set", "model.pvc.claimName=models", "--set", "model.pvc.subPath=sst2"],
        ["no-autoscaling"] = ["--set", "api.autoscaling.enabled=false", "--set", "silo.autoscaling.enabled=false"],
        ["tls-secret"] = ["--set", "tls.enabled=true", "--set", "tls.secretName=prediction-cluster-tls"],
    };

    public static TheoryData<string> ValueSetNames => new(ValueSets.Keys);

    /// <summary><c>helm template</c> with a named values set, parsed.</summary>
    public static RenderedChart Render(string valueSet) =>
        s_renders.GetOrAdd(valueSet, name => new Lazy<RenderedChart>(() => RenderWith(ValueSets[name]))).Value;

    /// <summary><c>helm template</c> with these extra arguments (namespace "prediction", release "prod"), parsed.</summary>
    public static RenderedChart RenderWith(params string[] arguments)
    {
        var (exitCode, output) = Run(["template", "prod", ChartDirectory, "--namespace", "prediction", .. arguments]);
        Assert.True(exitCode == 0, $"helm template {string.Join(' ', arguments)} failed:\n{output}");
        return RenderedChart.Parse(output);
    }

    /// <summary>Runs helm with <paramref name="arguments"/>; returns its exit code and its standard output and error.</summary>
    public static (int ExitCode, string Output) Run(IEnumerable<string> arguments)
    {
        Assert.True(File.Exists(HelmPath), $"No helm at {HelmPath}: run scripts/setup.sh --test");
        // No kubeconfig, no cache outside the test run: helm template needs neither.
        return ExternalCommand.Run(HelmPath, arguments, HelmTimeout, environment: new Dictionary<string, string>
        {
            ["HELM_CACHE_HOME"] = Path.Combine(Path.GetTempPath(), "helm-test-cache"),
            ["HELM_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "helm-test-config"),
            ["HELM_DATA_HOME"] = Path.Combine(Path.GetTempPath(), "helm-test-data"),
        });
    }
}
