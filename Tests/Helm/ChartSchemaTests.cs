using Tests.Infrastructure;

namespace Tests.Helm;

/// <summary>
/// The chart's rendered manifests against the Kubernetes API's schemas (helm/schema-check: npm's kubernetes-models,
/// validators and TypeScript interfaces, and @kubernetes-models/* for ServiceMonitor and cert-manager's Certificate):
/// every values set, and the options that render the custom resources, render only valid objects; a misspelled
/// field, a wrong type and a kind without a schema fail.
/// </summary>
public sealed class ChartSchemaTests
{
    private static readonly string Validator = Path.Combine(RepositoryPaths.Root, "helm", "schema-check", "validate.mjs");

    /// <summary>Every shipped values set, and one with every optional object on (Ingress, ServiceMonitor, Certificate, the wait-based HPA).</summary>
    public static TheoryData<string> Renders
    {
        get
        {
            var sets = new TheoryData<string>(HelmChart.ValueSets.Keys);
            sets.Add("everything-on");
            return sets;
        }
    }

    private static readonly string[] EverythingOn =
    [
        "--set", "ingress.enabled=true", "--set", "ingress.hosts[0]=api.example.com", "--set", "ingress.tls.enabled=true",
        "--set", "ingress.tls.secretName=api-tls", "--set", "serviceMonitor.enabled=true", "--set", "tls.enabled=true",
        "--set", "tls.certManager.issuer.name=ca", "--set", "silo.autoscaling.expectedWait.enabled=true",
    ];

    [Theory]
    [MemberData(nameof(Renders))]
    public void Every_rendered_object_is_valid_for_the_kubernetes_api(string valueSet)
    {
        string manifests = Render(valueSet == "everything-on" ? EverythingOn : HelmChart.ValueSets[valueSet]);

        var (exitCode, output) = Validate(manifests);

        Assert.True(exitCode == 0, output);
        Assert.Contains("ok   apps/v1/StatefulSet", output);
        if (valueSet == "everything-on")
        {
            Assert.Contains("ok   monitoring.coreos.com/v1/ServiceMonitor", output);
            Assert.Contains("ok   cert-manager.io/v1/Certificate", output);
            Assert.Contains("ok   networking.k8s.io/v1/Ingress", output);
        }
    }

    [Theory]
    [InlineData("misspelled field", "  replicas: ", "  replicaz: ", "'\"replicaz\"' does not exist")]
    [InlineData("wrong type", "      terminationGracePeriodSeconds: ", "      terminationGracePeriodSeconds: \"soon\" #", "must be integer")]
    [InlineData("unknown kind", "\nkind: StatefulSet\n", "\nkind: StatefulSett\n", "no schema known")]
    public void A_broken_manifest_fails_and_is_named(string what, string right, string wrong, string message)
    {
        string manifests = Render([]);
        int at = manifests.IndexOf(right, StringComparison.Ordinal);
        Assert.True(at >= 0, $"the rendered chart has no '{right}' to break ({what})");
        string broken = string.Concat(manifests.AsSpan(0, at), wrong, manifests.AsSpan(at + right.Length));

        var (exitCode, output) = Validate(broken);

        Assert.Equal(1, exitCode);
        Assert.Contains(message, output);
        Assert.Contains("FAIL ", output);
    }

    private static string Render(string[] arguments)
    {
        var (exitCode, output) = HelmChart.Run(["template", "prod", HelmChart.ChartDirectory, "--namespace", "prediction", .. arguments]);
        Assert.True(exitCode == 0, output);
        return output;
    }

    private static (int ExitCode, string Output) Validate(string manifests)
    {
        Assert.True(Directory.Exists(Path.Combine(RepositoryPaths.Root, "helm", "schema-check", "node_modules")),
            "helm/schema-check is not installed: run scripts/setup.sh --test");
        return ExternalCommand.Run("node", [Validator], TimeSpan.FromSeconds(120), input: manifests);
    }
}
