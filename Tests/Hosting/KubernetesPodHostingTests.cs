using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Hosting.Kubernetes;
using PredictionCluster.Silo.Hosting;
using Tests.Infrastructure;

namespace Tests.Hosting;

/// <summary>
/// The silo host turns on Orleans' Kubernetes hosting exactly when <c>KUBERNETES_SERVICE_HOST</c> says it runs in a pod
/// (outside one, hosting cannot start: no namespace, no in-cluster credentials). The hosts are built, not started.
/// </summary>
public sealed class KubernetesPodHostingTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task SiloHost_OutsideAPod_DoesNotUseKubernetesHosting(string? serviceHost)
    {
        await using var host = SiloHost.Build(SiloArguments, SiloSettings(serviceHost));
        Assert.Empty(host.Services.GetServices<IValidateOptions<KubernetesHostingOptions>>());
    }

    [Fact]
    public void SiloHost_InAPod_UsesKubernetesHosting_WhichRefusesToStartWithoutPodNamespace()
    {
        // The silo names itself after its pod while the host is built, so hosting's validation runs there; this test
        // process has no POD_NAMESPACE (the chart sets it from the downward API), and the message says so.
        var refusal = Assert.Throws<OptionsValidationException>(() => SiloHost.Build(SiloArguments, SiloSettings("10.96.0.1")));
        Assert.Contains("POD_NAMESPACE", refusal.Message);
    }

    [Fact]
    public void UseKubernetesHostingInPod_LeavesDefunctSiloPodsAlone()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [KubernetesPodHosting.ServiceHostVariable] = "10.96.0.1" });
        builder.UseOrleans(silo => silo.UseLocalhostClustering().UseKubernetesHostingInPod(builder.Configuration));
        using var host = builder.Build();
        var options = new KubernetesHostingOptions();
        var configurations = host.Services.GetServices<IConfigureOptions<KubernetesHostingOptions>>().ToArray();
        Assert.NotEmpty(configurations);
        foreach (var configure in configurations)
        {
            configure.Configure(options);
        }
        Assert.False(options.DeleteDefunctSiloPods);
    }

    private static string[] SiloArguments => ["--contentRoot", Path.Combine(RepositoryPaths.Root, "Silo")];

    private static Dictionary<string, string?> SiloSettings(string? serviceHost) => new()
    {
        ["Model:Path"] = RepositoryPaths.LexiconModel,
        ["Redis:Endpoint"] = "127.0.0.1:1",
        [KubernetesPodHosting.ServiceHostVariable] = serviceHost,
    };
}
