namespace Tests.Helm;

/// <summary><c>helm lint --strict</c> and <c>helm template</c> succeed for every values set, and refuse nonsense values.</summary>
public sealed class HelmLintTests
{
    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void LintStrict_Passes(string valueSet)
    {
        var (exitCode, output) = HelmChart.Run(["lint", "--strict", HelmChart.ChartDirectory, .. HelmChart.ValueSets[valueSet]]);
        Assert.True(exitCode == 0, output);
        Assert.Contains("0 chart(s) failed", output);
    }

    [Theory]
    [InlineData("external Redis without an endpoint", "redis.enabled=false", "redis.external.endpoint")]
    [InlineData("an unknown model source", "model.source=s3", "model.source must be image, url or pvc")]
    [InlineData("a model URL source without a URL", "model.source=url", "model.url is required")]
    [InlineData("TLS without a certificate Secret", "ingress.enabled=true,ingress.hosts[0]=a.example.com,ingress.tls.enabled=true", "ingress.tls.secretName is required")]
    [InlineData("mutual TLS without a Secret or an issuer", "tls.enabled=true", "tls.secretName (a Secret with tls.crt, tls.key and ca.crt) or tls.certManager.issuer.name is required")]
    [InlineData("a cluster id that is no label value", "orleans.clusterId=prediction/blue", "orleans.clusterId \"prediction/blue\" must be a valid Kubernetes label value")]
    [InlineData("a service id that is no label value", "orleans.serviceId=-prediction", "orleans.serviceId \"-prediction\" must be a valid Kubernetes label value")]
    public void Template_Refuses(string what, string set, string message)
    {
        var (exitCode, output) = HelmChart.Run(["template", "prod", HelmChart.ChartDirectory, "--set", set]);
        Assert.True(exitCode != 0, $"{what} rendered:\n{output}");
        Assert.Contains(message, output);
    }
}
