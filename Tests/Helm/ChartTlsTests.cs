using PredictionCluster.ServiceDefaults.Security;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Tests.Helm;

/// <summary>
/// Mutual TLS in the chart (<c>tls.*</c>): the Secret mounted read-only into silo and API pods and the
/// <c>Orleans__Tls__*</c> settings pointing at its files when on; nothing of it when off.
/// </summary>
public sealed class ChartTlsTests
{
    private const string Volume = "cluster-tls";

    public static TheoryData<string, string> TlsValueSets => new()
    {
        { "tls-secret", "prediction-cluster-tls" },
        { "production", "prod-prediction-cluster-cluster-tls" },
    };

    [Theory]
    [MemberData(nameof(TlsValueSets))]
    public void TlsOn_SiloAndApiMountTheSecretReadOnly_AndTheirSettingsNameItsThreeFiles(string valueSet, string secretName)
    {
        var chart = HelmChart.Render(valueSet);
        foreach (var (workload, settings) in new[] { (chart.Single("StatefulSet", "-silo"), chart.Single("ConfigMap", "-silo")), (chart.Single("Deployment", "-api"), chart.Single("ConfigMap", "-api")) })
        {
            var data = settings.Root.Strings("data");
            Assert.Equal("true", data["Orleans__Tls__Enabled"]);
            var volume = workload.PodSpec.Items("volumes").Single(v => v.Text("name") == Volume);
            Assert.Equal(secretName, volume.Text("secret", "secretName"));
            var mount = workload.Containers.Single().Items("volumeMounts").Single(m => m.Text("name") == Volume);
            Assert.Equal("true", mount.Text("readOnly"));
            var files = volume.Items("secret", "items").Select(i => $"{mount.Text("mountPath")}/{i.Text("path")}").ToHashSet();
            foreach (var (key, file) in new[] { ("CertificatePath", "tls.crt"), ("KeyPath", "tls.key"), ("CaPath", "ca.crt") })
            {
                Assert.Equal($"{mount.Text("mountPath")}/{file}", data[$"Orleans__Tls__{key}"]);
                Assert.Contains(data[$"Orleans__Tls__{key}"], files);
            }
            // Not world-readable: the key is for the pod's user (its group is fsGroup).
            Assert.Equal("0440", volume.Text("secret", "defaultMode"));
        }
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void TlsOff_NoSecretVolumeNoSettingNoCertificate(string valueSet)
    {
        if (valueSet is "tls-secret" or "production")
        {
            return;
        }
        var chart = HelmChart.Render(valueSet);
        Assert.Empty(chart.OfKind("Certificate"));
        foreach (var workload in chart.Workloads)
        {
            Assert.DoesNotContain(workload.PodSpec.Items("volumes"), v => v.Text("name") == Volume || v.At("secret") is not null);
            Assert.DoesNotContain(workload.Containers.SelectMany(c => c.Items("volumeMounts")), m => m.Text("name") == Volume);
        }
        foreach (var settings in chart.OfKind("ConfigMap"))
        {
            Assert.DoesNotContain(settings.Root.Strings("data").Keys, k => k.StartsWith("Orleans__Tls__", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void TlsSettings_BindToClusterTlsOptions()
    {
        var data = HelmChart.Render("tls-secret").Single("ConfigMap", "-api").Root.Strings("data");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(
            data.Where(p => p.Key.StartsWith("Orleans__Tls__", StringComparison.Ordinal))
                .Select(p => new KeyValuePair<string, string?>(p.Key.Replace("__", ":", StringComparison.Ordinal), p.Value))).Build();
        var options = new ClusterTlsOptions();
        configuration.GetSection(ClusterTlsOptions.SectionName).Bind(options, o => o.ErrorOnUnknownConfiguration = true);
        Assert.True(options.Enabled);
        Assert.Equal(("/etc/prediction/tls/tls.crt", "/etc/prediction/tls/tls.key", "/etc/prediction/tls/ca.crt"), (options.CertificatePath, options.KeyPath, options.CaPath));
    }

    [Fact]
    public void CertManagerIssuer_RendersACertificateForServerAndClientUse_IntoTheSecretThePodsMount()
    {
        var chart = HelmChart.Render("production");
        var certificate = chart.OfKind("Certificate").Single();
        Assert.Equal("cert-manager.io/v1", certificate.Root.Text("apiVersion"));
        string secretName = certificate.Root.Text("spec", "secretName")!;
        Assert.All(chart.Workloads.Where(w => !w.Name.EndsWith("-redis", StringComparison.Ordinal)),
            w => Assert.Contains(w.PodSpec.Items("volumes"), v => v.Text("secret", "secretName") == secretName));
        var usages = certificate.Root.Items("spec", "usages").Select(u => ((YamlScalarNode)u).Value).ToArray();
        Assert.Contains("server auth", usages);
        Assert.Contains("client auth", usages);
        Assert.Equal(("prediction-cluster-ca", "Issuer"), (certificate.Root.Text("spec", "issuerRef", "name"), certificate.Root.Text("spec", "issuerRef", "kind")));
        Assert.NotEmpty(certificate.Root.Items("spec", "dnsNames"));

        // An own Secret: no Certificate.
        Assert.Empty(HelmChart.Render("tls-secret").OfKind("Certificate"));
    }
}
