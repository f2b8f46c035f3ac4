using System.Text;
using YamlDotNet.RepresentationModel;

namespace Tests.Helm;

/// <summary>How the rendered objects refer to each other: selectors, ports, network policies, the Secret.</summary>
public sealed class ChartWiringTests
{
    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void WorkloadSelectors_MatchTheirPodTemplates_AndSelectNoOtherWorkload(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        foreach (var workload in chart.Workloads)
        {
            var selector = workload.Root.Strings("spec", "selector", "matchLabels");
            Assert.True(selector.Selects(workload.PodLabels), $"{workload}: selector does not match its pod labels");
            Assert.Equal(new[] { workload }, chart.WorkloadsSelectedBy(selector));
            foreach (var spread in workload.PodSpec.Items("topologySpreadConstraints"))
            {
                Assert.Equal(new[] { workload }, chart.WorkloadsSelectedBy(spread.Strings("labelSelector", "matchLabels")));
            }
        }
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void Services_SelectOneWorkload_AndTargetPortsItsContainersOpen(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        foreach (var service in chart.OfKind("Service"))
        {
            var workload = Assert.Single(chart.WorkloadsSelectedBy(service.Root.Strings("spec", "selector")));
            foreach (var port in service.Root.Items("spec", "ports"))
            {
                Assert.True(workload.ContainerPort(port.Text("targetPort")!) is not null,
                    $"{service} port {port.Text("name")} targets {port.Text("targetPort")}, which {workload} does not open");
            }
        }
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void DisruptionBudgetsAndAutoscalers_ReachExistingWorkloads(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        foreach (var budget in chart.OfKind("PodDisruptionBudget"))
        {
            Assert.Single(chart.WorkloadsSelectedBy(budget.Root.Strings("spec", "selector", "matchLabels")));
        }
        foreach (var autoscaler in chart.OfKind("HorizontalPodAutoscaler"))
        {
            var target = autoscaler.Root.At("spec", "scaleTargetRef");
            Assert.Contains(chart.Workloads, w => w.Kind == target.Text("kind") && w.Name == target.Text("name"));
            Assert.Contains(autoscaler.Root.Items("spec", "metrics"), m => m.Text("resource", "name") == "cpu");
        }
        Assert.Equal(2, chart.OfKind("PodDisruptionBudget").Count());
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void SiloPorts_AgreeAcrossKestrelSettingsContainerServiceAndAdvertisedUrl(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        var silo = chart.Single("StatefulSet", "-silo");
        var data = chart.Single("ConfigMap", "-silo").Root.Strings("data");
        int http = new Uri(data["Kestrel__Endpoints__Http__Url"]).Port;
        int internalPort = new Uri(data["Kestrel__Endpoints__Internal__Url"]).Port;
        Assert.Equal(http, silo.ContainerPort("http"));
        Assert.Equal(internalPort, silo.ContainerPort("internal"));

        var headless = chart.Single("Service", "-silo");
        var advertised = Manifest.Env(silo.Containers.Single(), "Silo__AdvertisedUrl").Text("value")!;
        Assert.Equal($"http://$(POD_NAME).{headless.Name}.$(POD_NAMESPACE).svc.cluster.local:{internalPort}", advertised);
        Assert.Equal("$(POD_NAME)", Manifest.Env(silo.Containers.Single(), "Silo__Id").Text("value"));

        var api = chart.Single("Deployment", "-api");
        Assert.Equal(int.Parse(chart.Single("ConfigMap", "-api").Root.Strings("data")["ASPNETCORE_HTTP_PORTS"]), api.ContainerPort("http"));
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void NetworkPolicies_OpenOnlyPortsTheSelectedPodsListenOn(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        var policies = chart.OfKind("NetworkPolicy").ToArray();
        Assert.NotEmpty(policies);
        foreach (var policy in policies)
        {
            var workload = Assert.Single(chart.WorkloadsSelectedBy(policy.Root.Strings("spec", "podSelector", "matchLabels")));
            foreach (var rule in policy.Root.Items("spec", "ingress"))
            {
                Assert.NotEmpty(rule.Items("ports"));
                foreach (var port in rule.Items("ports"))
                {
                    Assert.Contains(port.Int("port")!.Value, workload.ContainerPorts);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void SiloInternalPort_IsReachableOnlyFromApiPods(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        var silo = chart.Single("StatefulSet", "-silo");
        var api = chart.Single("Deployment", "-api");
        int internalPort = silo.ContainerPort("internal")!.Value;
        var rules = chart.OfKind("NetworkPolicy")
            .Where(p => p.Root.Strings("spec", "podSelector", "matchLabels").Selects(silo.PodLabels))
            .SelectMany(p => p.Root.Items("spec", "ingress"))
            .Where(r => !r.Items("ports").Any() || r.Items("ports").Any(p => p.Int("port") == internalPort))
            .ToArray();
        Assert.NotEmpty(rules);
        foreach (var rule in rules)
        {
            var peers = rule.Items("from").ToArray();
            Assert.NotEmpty(peers); // no "from" = everyone
            foreach (var peer in peers)
            {
                Assert.Null(peer.At("namespaceSelector"));
                Assert.Null(peer.At("ipBlock"));
                Assert.Equal(new[] { api }, chart.WorkloadsSelectedBy(peer.Strings("podSelector", "matchLabels")));
            }
        }
        // Health and metrics stay reachable in the cluster (Prometheus).
        int http = silo.ContainerPort("http")!.Value;
        Assert.Contains(chart.OfKind("NetworkPolicy").SelectMany(p => p.Root.Items("spec", "ingress")),
            r => r.Items("ports").Any(p => p.Int("port") == http) && r.Items("from").Any(f => f.At("namespaceSelector") is not null));
    }

    [Fact]
    public void InChartRedis_IsReachableOnlyFromApiAndSiloPods_OnTheEndpointBothUse()
    {
        var chart = HelmChart.Render("default");
        var redis = chart.Single("StatefulSet", "-redis");
        var policy = chart.Single("NetworkPolicy", "-redis");
        var peers = policy.Root.Items("spec", "ingress").SelectMany(r => r.Items("from")).ToArray();
        Assert.All(peers, p => Assert.Null(p.At("namespaceSelector")));
        var reached = peers.SelectMany(p => chart.WorkloadsSelectedBy(p.Strings("podSelector", "matchLabels"))).Select(w => w.Name).Order().ToArray();
        Assert.Equal(new[] { chart.Single("Deployment", "-api").Name, chart.Single("StatefulSet", "-silo").Name }.Order(), reached);

        var service = chart.Single("Service", "-redis");
        foreach (var config in new[] { chart.Single("ConfigMap", "-silo"), chart.Single("ConfigMap", "-api") })
        {
            Assert.Equal($"{service.Name}:{service.Root.Items("spec", "ports").Single().Text("port")}", config.Root.Strings("data")["Redis__Endpoint"]);
        }
        Assert.Equal(6379, redis.ContainerPorts.Single());
    }

    [Fact]
    public void Secret_IsGeneratedWhenNoKeyIsGiven_AndEveryProcessReadsTheSameOne()
    {
        var chart = HelmChart.Render("default");
        var secret = chart.OfKind("Secret").Single();
        var data = secret.Root.Strings("data");
        string key = Encoding.ASCII.GetString(Convert.FromBase64String(data["cluster-key"]));
        Assert.True(key.Length >= 32 && key.All(c => c is > ' ' and < (char)127), $"generated cluster key '{key}'");
        Assert.True(Convert.FromBase64String(data["redis-password"]).Length >= 32);

        var dotnetContainers = chart.Workloads.Where(w => w.Kind != "StatefulSet" || !w.Name.EndsWith("-redis", StringComparison.Ordinal))
            .SelectMany(w => w.Containers).ToArray();
        Assert.Equal(2, dotnetContainers.Length);
        foreach (var container in dotnetContainers)
        {
            foreach (var (variable, secretKey) in new[] { ("Cluster__Key", "cluster-key"), ("Redis__Password", "redis-password") })
            {
                var reference = Manifest.Env(container, variable).At("valueFrom", "secretKeyRef");
                Assert.Equal(secret.Name, reference.Text("name"));
                Assert.Equal(secretKey, reference.Text("key"));
            }
        }
        var redisPassword = Manifest.Env(chart.Single("StatefulSet", "-redis").Containers.Single(), "REDIS_PASSWORD").At("valueFrom", "secretKeyRef");
        Assert.Equal((secret.Name, "redis-password"), (redisPassword.Text("name"), redisPassword.Text("key")));
    }

    [Fact]
    public void Secret_TakesAGivenClusterKey()
    {
        var chart = HelmChart.RenderWith("--set", "secret.clusterKey=given-key-0123456789");
        var data = chart.OfKind("Secret").Single().Root.Strings("data");
        Assert.Equal("given-key-0123456789", Encoding.ASCII.GetString(Convert.FromBase64String(data["cluster-key"])));
    }

    [Fact]
    public void ExistingSecret_IsReferencedByEveryProcess_AndNoSecretIsRendered()
    {
        var chart = HelmChart.Render("production");
        foreach (var container in chart.Workloads.SelectMany(w => w.Containers))
        {
            Assert.Equal("prediction-secrets", Manifest.Env(container, "Cluster__Key").Text("valueFrom", "secretKeyRef", "name"));
        }
    }

    [Fact]
    public void ConfigChange_RollsThePods()
    {
        string Checksum(RenderedChart chart, string kind, string suffix) =>
            chart.Single(kind, suffix).Root.Text("spec", "template", "metadata", "annotations", "checksum/config")!;
        var before = HelmChart.Render("default");
        var after = HelmChart.RenderWith("--set", "silo.settings.Inference__MaxBatchSize=16");
        Assert.NotEqual(Checksum(before, "StatefulSet", "-silo"), Checksum(after, "StatefulSet", "-silo"));
        Assert.Equal("16", after.Single("ConfigMap", "-silo").Root.Strings("data")["Inference__MaxBatchSize"]);
    }

    [Fact]
    public void ServiceMonitor_ScrapesMetricsOnTheApiAndSiloServices()
    {
        var chart = HelmChart.Render("production");
        var monitor = chart.OfKind("ServiceMonitor").Single();
        var endpoint = monitor.Root.Items("spec", "endpoints").Single();
        Assert.Equal("/metrics", endpoint.Text("path"));
        var selector = monitor.Root.Strings("spec", "selector", "matchLabels");
        var components = monitor.Root.Items("spec", "selector", "matchExpressions").Single().Items("values").Select(v => ((YamlScalarNode)v).Value).ToHashSet();
        var scraped = chart.OfKind("Service").Where(s => selector.Selects(s.Labels) && components.Contains(s.Labels["app.kubernetes.io/component"])).ToArray();
        Assert.Equal(2, scraped.Length);
        Assert.All(scraped, s => Assert.Contains(s.Root.Items("spec", "ports"), p => p.Text("name") == endpoint.Text("port")));
    }
}
