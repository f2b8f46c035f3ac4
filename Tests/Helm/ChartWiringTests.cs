using PredictionCluster.ServiceDefaults.Cluster;
using System.Text;
using PredictionCluster.Grains.Hosting;
using Microsoft.Extensions.Configuration;
using Orleans.Configuration;
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
    public void SiloPorts_AgreeAcrossKestrelAndOrleansSettingsAndContainer(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        var silo = chart.Single("StatefulSet", "-silo");
        var data = chart.Single("ConfigMap", "-silo").Root.Strings("data");
        Assert.Equal(new Uri(data["Kestrel__Endpoints__Http__Url"]).Port, silo.ContainerPort("http"));
        Assert.Equal(int.Parse(data["Orleans__Endpoints__SiloPort"]), silo.ContainerPort("silo"));
        Assert.Equal(int.Parse(data["Orleans__Endpoints__GatewayPort"]), silo.ContainerPort("gateway"));
        Assert.Equal([8080, 11111, 30000], silo.ContainerPorts.Order());

        var api = chart.Single("Deployment", "-api");
        Assert.Equal(int.Parse(chart.Single("ConfigMap", "-api").Root.Strings("data")["ASPNETCORE_HTTP_PORTS"]), api.ContainerPort("http"));
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void Silos_AreNamedAfterTheirPod_AndAdvertiseThePodIp(string valueSet)
    {
        var container = HelmChart.Render(valueSet).Single("StatefulSet", "-silo").Containers.Single();
        // Orleans' Kubernetes hosting names the silo after POD_NAME; a second name (Orleans__Name) would only lose to it.
        Assert.Equal("metadata.name", Manifest.Env(container, "POD_NAME").Text("valueFrom", "fieldRef", "fieldPath"));
        Assert.Null(Manifest.Env(container, "Orleans__Name"));
        Assert.Equal("status.podIP", Manifest.Env(container, "POD_IP").Text("valueFrom", "fieldRef", "fieldPath"));
        Assert.Equal("$(POD_IP)", Manifest.Env(container, "Orleans__Endpoints__AdvertisedIPAddress").Text("value"));
        // Kubernetes expands $(VAR) only for variables defined earlier in the list.
        var names = container.Items("env").Select(e => e.Text("name")).ToList();
        Assert.True(names.IndexOf("POD_IP") < names.IndexOf("Orleans__Endpoints__AdvertisedIPAddress"));
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void ApiAndSilos_JoinTheSameOrleansClusterThroughTheSameRedis_TheApiAsAClient(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        var silo = chart.Single("ConfigMap", "-silo").Root.Strings("data");
        var api = chart.Single("ConfigMap", "-api").Root.Strings("data");
        foreach (var key in (string[])["Orleans__ClusterId", "Orleans__ServiceId", "Redis__Endpoint", "Redis__Database"])
        {
            Assert.False(string.IsNullOrEmpty(silo[key]), key);
            Assert.Equal(silo[key], api[key]);
        }
        Assert.Equal("Redis", api["Cluster__Mode"]);
        Assert.Equal("Redis", silo["Storage__Provider"]);
        // A Redis of the predictions' own bounds them by maxmemory (no TTL); sharing the member table's, a TTL does.
        Assert.Equal(silo.ContainsKey("Storage__Redis__Endpoint"), TimeSpan.Parse(silo["Storage__TimeToLive"]) == TimeSpan.Zero);
        Assert.Equal(valueSet != "shared-redis", silo.ContainsKey("Storage__Redis__Endpoint"));
        Assert.DoesNotContain(api.Keys, k => k.StartsWith("Storage__", StringComparison.Ordinal)); // the API stores nothing
        Assert.DoesNotContain(api.Keys, k => k.StartsWith("Orleans__Endpoints__", StringComparison.Ordinal) || k.StartsWith("Kestrel__", StringComparison.Ordinal));
    }

    [Fact]
    public void MembershipTimings_DefaultToTheSilosOwn_AndBindToClusterMembershipOptions()
    {
        var data = HelmChart.Render("default").Single("ConfigMap", "-silo").Root.Strings("data");
        var fromChart = new ConfigurationBuilder().AddInMemoryCollection(
            data.Where(p => p.Key.StartsWith("Orleans__Membership__", StringComparison.Ordinal))
                .Select(p => new KeyValuePair<string, string?>(p.Key.Replace("__", ":", StringComparison.Ordinal), p.Value))).Build();
        Assert.Equal(6, fromChart.GetSection(ClusterSettings.MembershipSection).GetChildren().Count());
        var bound = new ClusterMembershipOptions();
        fromChart.GetSection(ClusterSettings.MembershipSection).Bind(bound, o => o.ErrorOnUnknownConfiguration = true);
        var expected = new ClusterMembershipOptions();
        ClusterSettings.ApplyFastFailureDetection(expected);
        Assert.Equal(
            (expected.ProbeTimeout, expected.NumMissedProbesLimit, expected.NumVotesForDeathDeclaration, expected.TableRefreshTimeout, expected.IAmAliveTablePublishTimeout, expected.DeathVoteExpirationTimeout),
            (bound.ProbeTimeout, bound.NumMissedProbesLimit, bound.NumVotesForDeathDeclaration, bound.TableRefreshTimeout, bound.IAmAliveTablePublishTimeout, bound.DeathVoteExpirationTimeout));

        var production = HelmChart.Render("production").Single("ConfigMap", "-silo").Root.Strings("data");
        Assert.Equal("2", production["Orleans__Membership__NumVotesForDeathDeclaration"]);
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
    public void SiloAndGatewayPorts_AreReachableOnlyFromApiAndSiloPods_AndHttpFromTheCluster(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        var silo = chart.Single("StatefulSet", "-silo");
        var api = chart.Single("Deployment", "-api");
        var siloRules = chart.OfKind("NetworkPolicy")
            .Where(p => p.Root.Strings("spec", "podSelector", "matchLabels").Selects(silo.PodLabels))
            .SelectMany(p => p.Root.Items("spec", "ingress"))
            .ToArray();
        foreach (var orleansPort in new[] { silo.ContainerPort("silo")!.Value, silo.ContainerPort("gateway")!.Value })
        {
            var rules = siloRules.Where(r => !r.Items("ports").Any() || r.Items("ports").Any(p => p.Int("port") == orleansPort)).ToArray();
            Assert.NotEmpty(rules);
            var reached = new HashSet<string>();
            foreach (var rule in rules)
            {
                var peers = rule.Items("from").ToArray();
                Assert.NotEmpty(peers); // no "from" = everyone
                foreach (var peer in peers)
                {
                    Assert.Null(peer.At("namespaceSelector"));
                    Assert.Null(peer.At("ipBlock"));
                    var selected = chart.WorkloadsSelectedBy(peer.Strings("podSelector", "matchLabels"));
                    Assert.All(selected, w => Assert.Contains(w, new[] { api, silo }));
                    reached.UnionWith(selected.Select(w => w.Name));
                }
            }
            Assert.Equal(new[] { api.Name, silo.Name }.Order(), reached.Order());
        }
        // Health and metrics stay reachable in the cluster (Prometheus, probes), on silos and API alike.
        foreach (var workload in new[] { silo, api })
        {
            int http = workload.ContainerPort("http")!.Value;
            Assert.Contains(chart.OfKind("NetworkPolicy").Where(p => p.Root.Strings("spec", "podSelector", "matchLabels").Selects(workload.PodLabels))
                    .SelectMany(p => p.Root.Items("spec", "ingress")),
                r => r.Items("ports").Any(p => p.Int("port") == http) && (!r.Items("from").Any() || r.Items("from").Any(f => f.At("namespaceSelector") is YamlMappingNode { Children.Count: 0 })));
        }
    }

    [Fact]
    public void InChartRedis_IsReachableOnlyFromApiAndSiloPods_OnTheEndpointBothUse()
    {
        var chart = HelmChart.Render("default");
        var redis = chart.Component("StatefulSet", "redis");
        var policy = chart.Component("NetworkPolicy", "redis");
        var peers = policy.Root.Items("spec", "ingress").SelectMany(r => r.Items("from")).ToArray();
        Assert.All(peers, p => Assert.Null(p.At("namespaceSelector")));
        var reached = peers.SelectMany(p => chart.WorkloadsSelectedBy(p.Strings("podSelector", "matchLabels"))).Select(w => w.Name).Order().ToArray();
        Assert.Equal(new[] { chart.Single("Deployment", "-api").Name, chart.Single("StatefulSet", "-silo").Name }.Order(), reached);

        var service = chart.Component("Service", "redis");
        foreach (var config in new[] { chart.Single("ConfigMap", "-silo"), chart.Single("ConfigMap", "-api") })
        {
            Assert.Equal($"{service.Name}:{service.Root.Items("spec", "ports").Single().Text("port")}", config.Root.Strings("data")["Redis__Endpoint"]);
        }
        Assert.Equal(6379, redis.ContainerPorts.Single());
    }

    [Fact]
    public void Secret_HoldsAGeneratedRedisPassword_ThatRedisAndEveryProcessRead()
    {
        var chart = HelmChart.Render("default");
        var secret = chart.OfKind("Secret").Single();
        var data = secret.Root.Strings("data");
        Assert.Equal(["dashboard-operator-key", "predictions-redis-password", "redis-password"], data.Keys.Order());
        Assert.True(Convert.FromBase64String(data["redis-password"]).Length >= 32);
        Assert.True(Convert.FromBase64String(data["predictions-redis-password"]).Length >= 32);
        Assert.NotEqual(data["redis-password"], data["predictions-redis-password"]);

        var dotnetContainers = chart.Workloads.Where(w => w.Kind != "StatefulSet" || !w.Name.EndsWith("-redis", StringComparison.Ordinal))
            .SelectMany(w => w.Containers).ToArray();
        Assert.Equal(2, dotnetContainers.Length);
        foreach (var container in dotnetContainers)
        {
            var reference = Manifest.Env(container, "Redis__Password").At("valueFrom", "secretKeyRef");
            Assert.Equal((secret.Name, "redis-password"), (reference.Text("name"), reference.Text("key")));
        }
        var redisPassword = Manifest.Env(chart.Component("StatefulSet", "redis").Containers.Single(), "REDIS_PASSWORD").At("valueFrom", "secretKeyRef");
        Assert.Equal((secret.Name, "redis-password"), (redisPassword.Text("name"), redisPassword.Text("key")));

        // The predictions' Redis has its own, which only silos read.
        var predictionsPassword = Manifest.Env(chart.Component("StatefulSet", "predictions-redis").Containers.Single(), "REDIS_PASSWORD").At("valueFrom", "secretKeyRef");
        Assert.Equal((secret.Name, "predictions-redis-password"), (predictionsPassword.Text("name"), predictionsPassword.Text("key")));
        var siloPassword = Manifest.Env(chart.Component("StatefulSet", "silo").Containers.Single(), "Storage__Redis__Password").At("valueFrom", "secretKeyRef");
        Assert.Equal((secret.Name, "predictions-redis-password"), (siloPassword.Text("name"), siloPassword.Text("key")));
        Assert.Null(Manifest.Env(chart.Component("Deployment", "api").Containers.Single(), "Storage__Redis__Password"));
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void NothingOfTheOldRuntime_IsRendered_NoClusterKeyNoInternalPortNoAdvertisedUrl(string valueSet)
    {
        var (exitCode, output) = HelmChart.Run(["template", "prod", HelmChart.ChartDirectory, .. HelmChart.ValueSets[valueSet]]);
        Assert.Equal(0, exitCode);
        // ("appendonly no" is no longer a relic: the predictions' Redis runs without persistence on purpose; the member
        // table's durability is ChartWorkloadTests' business.)
        foreach (var gone in (string[])["cluster-key", "Cluster__Key", "Kestrel__Endpoints__Internal", "Silo__AdvertisedUrl", "Silo__Id", "  Membership__"])
        {
            Assert.DoesNotContain(gone, output);
        }
    }

    [Fact]
    public void ExternalRedis_TakesItsUserAndPassword_FromValuesAndTheSecret()
    {
        var chart = HelmChart.RenderWith("--set", "redis.enabled=false", "--set", "redis.external.endpoint=redis.example.com:6380",
            "--set", "redis.external.user=prediction", "--set", "redis.external.password=s3cret", "--set", "redis.external.database=3");
        var secret = chart.OfKind("Secret").Single();
        Assert.Equal("s3cret", Encoding.ASCII.GetString(Convert.FromBase64String(secret.Root.Strings("data")["redis-password"])));
        foreach (var config in new[] { chart.Single("ConfigMap", "-silo"), chart.Single("ConfigMap", "-api") })
        {
            var data = config.Root.Strings("data");
            Assert.Equal(("redis.example.com:6380", "prediction", "3"), (data["Redis__Endpoint"], data["Redis__User"], data["Redis__Database"]));
        }
        Assert.All(DotnetContainers(chart),
            c => Assert.Equal(secret.Name, Manifest.Env(c, "Redis__Password").Text("valueFrom", "secretKeyRef", "name")));
    }

    [Fact]
    public void ExistingSecret_IsReferencedByEveryProcess_AndNoSecretIsRendered()
    {
        var chart = HelmChart.Render("production");
        Assert.Empty(chart.OfKind("Secret"));
        foreach (var container in DotnetContainers(chart))
        {
            Assert.Equal("prediction-secrets", Manifest.Env(container, "Redis__Password").Text("valueFrom", "secretKeyRef", "name"));
        }
        var predictionsPassword = Manifest.Env(chart.Component("StatefulSet", "predictions-redis").Containers.Single(), "REDIS_PASSWORD").At("valueFrom", "secretKeyRef");
        Assert.Equal(("prediction-secrets", "predictions-redis-password"), (predictionsPassword.Text("name"), predictionsPassword.Text("key")));
        var siloPassword = Manifest.Env(chart.Component("StatefulSet", "silo").Containers.Single(), "Storage__Redis__Password").At("valueFrom", "secretKeyRef");
        Assert.Equal(("prediction-secrets", "predictions-redis-password"), (siloPassword.Text("name"), siloPassword.Text("key")));
    }

    [Fact]
    public void PredictionsRedis_InChart_IsReachableOnlyFromSilos_OnTheEndpointTheyUse_WithoutTtl()
    {
        var chart = HelmChart.Render("default");
        var redis = chart.Component("StatefulSet", "predictions-redis");
        var policy = chart.Component("NetworkPolicy", "predictions-redis");
        var peers = policy.Root.Items("spec", "ingress").SelectMany(r => r.Items("from")).ToArray();
        Assert.All(peers, p => Assert.Null(p.At("namespaceSelector")));
        var reached = peers.SelectMany(p => chart.WorkloadsSelectedBy(p.Strings("podSelector", "matchLabels"))).Select(w => w.Name).ToArray();
        Assert.Equal([chart.Component("StatefulSet", "silo").Name], reached);

        var service = chart.Component("Service", "predictions-redis");
        Assert.Single(chart.WorkloadsSelectedBy(service.Root.Strings("spec", "selector")), redis);
        var silo = chart.Component("ConfigMap", "silo").Root.Strings("data");
        Assert.Equal($"{service.Name}:{service.Root.Items("spec", "ports").Single().Text("port")}", silo["Storage__Redis__Endpoint"]);
        Assert.Equal(("0", "0"), (silo["Storage__Redis__Database"], silo["Storage__TimeToLive"]));
        Assert.NotEqual(silo["Redis__Endpoint"], silo["Storage__Redis__Endpoint"]);
        Assert.Equal(6379, redis.ContainerPorts.Single());
    }

    [Fact]
    public void PredictionsRedisOff_PredictionsShareTheMemberTablesRedis_WithTheirTimeToLive()
    {
        var chart = HelmChart.Render("shared-redis");
        Assert.DoesNotContain(chart.Manifests, m => m.Labels.GetValueOrDefault("app.kubernetes.io/component") == "predictions-redis");
        var silo = chart.Component("ConfigMap", "silo").Root.Strings("data");
        Assert.DoesNotContain(silo.Keys, k => k.StartsWith("Storage__Redis__", StringComparison.Ordinal));
        Assert.Equal(TimeSpan.FromDays(1), TimeSpan.Parse(silo["Storage__TimeToLive"]));
        Assert.Null(Manifest.Env(chart.Component("StatefulSet", "silo").Containers.Single(), "Storage__Redis__Password"));
        Assert.DoesNotContain("predictions-redis-password", chart.OfKind("Secret").Single().Root.Strings("data").Keys);
        // The member table's Redis still evicts only keys with a TTL: the predictions, never the member table.
        Assert.Equal("volatile-lru", RedisCommandLine.Option(chart.Component("StatefulSet", "redis"), "--maxmemory-policy"));
    }

    [Fact]
    public void ExternalPredictionsRedis_TakesItsEndpointUserAndPassword_AndNoTtl()
    {
        var chart = HelmChart.RenderWith("--set", "storage.redis.enabled=false", "--set", "storage.redis.external.endpoint=cache.example.com:6390",
            "--set", "storage.redis.external.user=predictions", "--set", "storage.redis.external.password=c4che", "--set", "storage.redis.external.database=2");
        Assert.DoesNotContain(chart.Manifests, m => m.Labels.GetValueOrDefault("app.kubernetes.io/component") == "predictions-redis");
        var secret = chart.OfKind("Secret").Single();
        Assert.Equal("c4che", Encoding.ASCII.GetString(Convert.FromBase64String(secret.Root.Strings("data")["predictions-redis-password"])));
        var silo = chart.Component("ConfigMap", "silo").Root.Strings("data");
        Assert.Equal(("cache.example.com:6390", "predictions", "2", "0"),
            (silo["Storage__Redis__Endpoint"], silo["Storage__Redis__User"], silo["Storage__Redis__Database"], silo["Storage__TimeToLive"]));
        var password = Manifest.Env(chart.Component("StatefulSet", "silo").Containers.Single(), "Storage__Redis__Password").At("valueFrom", "secretKeyRef");
        Assert.Equal((secret.Name, "predictions-redis-password"), (password.Text("name"), password.Text("key")));

        // Without a password, none is sent (an empty one would be sent as AUTH "").
        var open = HelmChart.RenderWith("--set", "storage.redis.enabled=false", "--set", "storage.redis.external.endpoint=cache.example.com:6390");
        Assert.Null(Manifest.Env(open.Component("StatefulSet", "silo").Containers.Single(), "Storage__Redis__Password"));
    }

    /// <summary>The API's and silos' containers (not Redis's).</summary>
    private static IEnumerable<YamlNode> DotnetContainers(RenderedChart chart) =>
        chart.Workloads.Where(w => !w.Name.EndsWith("-redis", StringComparison.Ordinal)).SelectMany(w => w.Containers);

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
