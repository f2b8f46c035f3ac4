using YamlDotNet.RepresentationModel;

namespace Tests.Helm;

/// <summary>Every pod the chart runs: probes, resources, security context, graceful termination.</summary>
public sealed class ChartWorkloadTests
{
    /// <summary>
    /// Silo: Orleans' graceful stop (grains deactivate, the silo leaves the member table) took 2.2-2.6 s here under
    /// load; with queued batches to finish and the runtime to exit, a silo needs at least this much.
    /// </summary>
    private const int SiloStopSeconds = 15;

    /// <summary>Room for calls in flight to finish after the API stops taking new ones.</summary>
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
    public void SiloTermination_OutlastsItsGracefulStop(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        int shutdownSeconds = int.Parse(chart.Single("ConfigMap", "-silo").Root.Strings("data")["shutdownTimeoutSeconds"]);
        int grace = chart.Single("StatefulSet", "-silo").PodSpec.Int("terminationGracePeriodSeconds")!.Value;

        // The host's stop budget covers Orleans' graceful stop...
        Assert.True(shutdownSeconds >= SiloStopSeconds, $"shutdownTimeoutSeconds {shutdownSeconds} < {SiloStopSeconds}");
        // ...and Kubernetes waits for the host to use all of it before SIGKILL.
        Assert.True(grace > shutdownSeconds, $"terminationGracePeriodSeconds {grace} <= shutdownTimeoutSeconds {shutdownSeconds}");
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void SiloProbes_LivenessOnLive_ReadinessAndStartupOnReady(string valueSet)
    {
        var silo = HelmChart.Render(valueSet).Single("StatefulSet", "-silo").Containers.Single();
        Assert.Equal("/health/live", silo.Text("livenessProbe", "httpGet", "path"));
        Assert.Equal("/health/ready", silo.Text("readinessProbe", "httpGet", "path"));
        Assert.Equal("/health/ready", silo.Text("startupProbe", "httpGet", "path"));
        Assert.All((string[])["livenessProbe", "readinessProbe", "startupProbe"], probe => Assert.Equal("http", silo.Text(probe, "httpGet", "port")));
    }

    [Fact]
    public void InChartRedis_IsDurable_AppendOnlyOnItsVolume_EvictingOnlyKeysWithATtl()
    {
        var redis = HelmChart.Render("default").Component("StatefulSet", "redis");
        var container = redis.Containers.Single();
        string command = string.Join(' ', container.Items("args").Select(a => ((YamlScalarNode)a).Value));
        Assert.Contains("--appendonly yes", command);
        Assert.Contains("--maxmemory-policy volatile-lru", command);
        Assert.Contains("--dir /data", command);
        var claim = redis.Root.Items("spec", "volumeClaimTemplates").Single();
        Assert.Contains(container.Items("volumeMounts"), m => m.Text("mountPath") == "/data" && m.Text("name") == claim.Text("metadata", "name"));
        Assert.False(string.IsNullOrEmpty(claim.Text("spec", "resources", "requests", "storage")));
    }

    [Fact]
    public void InChartRedis_WithThePredictionsInTheirOwn_IsSizedForTheMemberTable_WithRoomForTheRewriteFork()
    {
        var chart = HelmChart.Render("default");
        var redis = chart.Component("StatefulSet", "redis");
        long maxmemory = Bytes(RedisCommandLine.Option(redis, "--maxmemory")!);
        var resources = redis.Containers.Single();
        long request = Bytes(resources.Text("resources", "requests", "memory")!);
        long limit = Bytes(resources.Text("resources", "limits", "memory")!);

        // The member table is a few KB per silo: what the predictions' Redis asks for would be wasted here.
        long predictionsRequest = Bytes(chart.Component("StatefulSet", "predictions-redis").Containers.Single().Text("resources", "requests", "memory")!);
        Assert.True(request <= predictionsRequest / 4, $"member table's Redis requests {request} bytes, the predictions' {predictionsRequest}");
        Assert.True(limit >= 2 * maxmemory, $"limit {limit} < 2 x maxmemory {maxmemory}: rewriting the append-only file forks");
        Assert.True(request >= maxmemory, $"request {request} < maxmemory {maxmemory}");
    }

    /// <summary>Bytes of a Redis size ("64mb", "2gb") or a Kubernetes quantity ("256Mi", "1Gi").</summary>
    private static long Bytes(string size)
    {
        var match = System.Text.RegularExpressions.Regex.Match(size, "^([0-9]+)(mb|gb|Mi|Gi)$");
        Assert.True(match.Success, $"unexpected size {size}");
        long unit = match.Groups[2].Value is "mb" or "Mi" ? 1L << 20 : 1L << 30;
        return long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * unit;
    }

    [Fact]
    public void PredictionsRedis_IsACache_NoVolumeNoPersistence_EvictingAnyKeyUnderItsCap()
    {
        var redis = HelmChart.Render("default").Component("StatefulSet", "predictions-redis");
        var options = RedisCommandLine.Options(redis).ToDictionary(o => o.Option, o => o.Value);
        Assert.Equal(("no", "", "allkeys-lru", "768mb"), (options["--appendonly"], options["--save"], options["--maxmemory-policy"], options["--maxmemory"]));
        Assert.Null(redis.Root.At("spec", "volumeClaimTemplates"));
        Assert.Equal(1, redis.Root.Int("spec", "replicas"));
        // maxmemory counts the data only: the container's limit leaves room for buffers above it.
        var limit = redis.Containers.Single().Text("resources", "limits", "memory");
        Assert.Equal("1Gi", limit);
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
