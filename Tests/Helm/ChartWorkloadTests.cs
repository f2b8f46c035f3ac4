using YamlDotNet.RepresentationModel;

namespace Tests.Helm;

/// <summary>Every pod the chart runs: probes, resources, security context, graceful termination.</summary>
public sealed class ChartWorkloadTests
{
    /// <summary>Silo: the leave write to Redis times out after 2 s (MembershipHeartbeat.LeaveWriteTimeout).</summary>
    private const int LeaveWriteSeconds = 2;

    /// <summary>Room for calls in flight and queued batches to finish after the leave, and for the runtime to exit.</summary>
    private const int DrainMarginSeconds = 10;

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void EveryContainer_HasStartupLivenessAndReadinessProbes(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        Assert.NotEmpty(chart.Workloads);
        foreach (var workload in chart.Workloads)
        {
            foreach (var container in workload.Containers)
            {
                foreach (var probe in (string[])["startupProbe", "livenessProbe", "readinessProbe"])
                {
                    Assert.True(container.At(probe) is YamlMappingNode, $"{workload} container {container.Text("name")} has no {probe}");
                }
                if (container.At("readinessProbe", "httpGet") is { } readiness)
                {
                    Assert.Equal("/health/ready", readiness.Text("path"));
                    Assert.Equal("/health/live", container.Text("livenessProbe", "httpGet", "path"));
                    Assert.NotNull(workload.ContainerPort(readiness.Text("port")!));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void EveryContainer_RequestsAndLimitsCpuAndMemory(string valueSet)
    {
        foreach (var workload in HelmChart.Render(valueSet).Workloads)
        {
            foreach (var container in workload.Containers.Concat(workload.InitContainers))
            {
                foreach (var bound in (string[])["requests", "limits"])
                {
                    foreach (var resource in (string[])["cpu", "memory"])
                    {
                        Assert.False(string.IsNullOrEmpty(container.Text("resources", bound, resource)),
                            $"{workload} container {container.Text("name")} has no resources.{bound}.{resource}");
                    }
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void EveryPod_RunsNonRootWithAReadOnlyRootFilesystem_AndAWritableTmp(string valueSet)
    {
        foreach (var workload in HelmChart.Render(valueSet).Workloads)
        {
            Assert.Equal("true", workload.PodSpec.Text("securityContext", "runAsNonRoot"));
            Assert.NotEqual("0", workload.PodSpec.Text("securityContext", "runAsUser"));
            foreach (var container in workload.Containers.Concat(workload.InitContainers))
            {
                string what = $"{workload} container {container.Text("name")}";
                Assert.True(container.Text("securityContext", "readOnlyRootFilesystem") == "true", $"{what}: root filesystem writable");
                Assert.True(container.Text("securityContext", "allowPrivilegeEscalation") == "false", $"{what}: privilege escalation allowed");
                Assert.Contains("ALL", container.Items("securityContext", "capabilities", "drop").Select(n => ((YamlScalarNode)n).Value));
                var tmp = container.Items("volumeMounts").SingleOrDefault(m => m.Text("mountPath") == "/tmp");
                Assert.True(tmp is not null, $"{what}: no /tmp mount");
                Assert.NotNull(workload.PodSpec.Items("volumes").Single(v => v.Text("name") == tmp.Text("name")).At("emptyDir"));
            }
        }
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void SiloTermination_OutlastsItsDrain(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        var data = chart.Single("ConfigMap", "-silo").Root.Strings("data");
        int refreshSeconds = (int)Math.Ceiling(TimeSpan.Parse(data["Membership__RefreshInterval"]).TotalSeconds);
        int shutdownSeconds = int.Parse(data["shutdownTimeoutSeconds"]);
        int grace = chart.Single("StatefulSet", "-silo").PodSpec.Int("terminationGracePeriodSeconds")!.Value;

        // The host's stop budget covers the leave, two refresh intervals of serving, and the drain after them...
        Assert.True(shutdownSeconds >= LeaveWriteSeconds + 2 * refreshSeconds + DrainMarginSeconds,
            $"shutdownTimeoutSeconds {shutdownSeconds} < leave {LeaveWriteSeconds} + 2 x refresh {refreshSeconds} + drain {DrainMarginSeconds}");
        // ...and Kubernetes waits for the host to use all of it before SIGKILL.
        Assert.True(grace > shutdownSeconds, $"terminationGracePeriodSeconds {grace} <= shutdownTimeoutSeconds {shutdownSeconds}");
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void ApiTermination_OutlastsItsPreStopSleep(string valueSet)
    {
        var api = HelmChart.Render(valueSet).Single("Deployment", "-api");
        int sleep = api.Containers.Single().Int("lifecycle", "preStop", "sleep", "seconds")!.Value;
        int grace = api.PodSpec.Int("terminationGracePeriodSeconds")!.Value;
        Assert.True(sleep > 0 && grace >= sleep + DrainMarginSeconds, $"preStop sleep {sleep} s, grace {grace} s");
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void Silos_SpreadOverZonesAndNodes_AndStartInParallel(string valueSet)
    {
        var silo = HelmChart.Render(valueSet).Single("StatefulSet", "-silo");
        var keys = silo.PodSpec.Items("topologySpreadConstraints").Select(c => c.Text("topologyKey")).ToArray();
        Assert.Contains("topology.kubernetes.io/zone", keys);
        Assert.Contains("kubernetes.io/hostname", keys);
        Assert.Equal("Parallel", silo.Root.Text("spec", "podManagementPolicy"));
    }
}
