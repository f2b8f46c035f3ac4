namespace Tests.Helm;

/// <summary>Which objects the chart renders for which values.</summary>
public sealed class ChartKindsTests
{
    [Fact]
    public void Defaults_RenderSilosApiInChartRedisSecretAndPolicies_WithoutIngressOrServiceMonitor()
    {
        var chart = HelmChart.Render("default");
        Assert.Equal(new SortedDictionary<string, int>
        {
            ["ConfigMap"] = 3, // silo settings, API settings, Grafana dashboard
            ["Deployment"] = 1, // API
            ["HorizontalPodAutoscaler"] = 2,
            ["NetworkPolicy"] = 4, // silo, API, Redis, predictions' Redis
            ["PodDisruptionBudget"] = 2,
            ["Role"] = 1, // silos: get, list, watch pods (Orleans' Kubernetes hosting)
            ["RoleBinding"] = 1,
            ["Secret"] = 1,
            ["Service"] = 4, // API, silo headless, Redis, predictions' Redis
            ["ServiceAccount"] = 1, // silos
            ["StatefulSet"] = 3, // silo, Redis, predictions' Redis
        }, chart.KindCounts());
        Assert.Equal("None", chart.Single("Service", "-silo").Root.Text("spec", "clusterIP"));
        Assert.Equal("true", chart.Single("Service", "-silo").Root.Text("spec", "publishNotReadyAddresses"));
        Assert.Equal(chart.Single("Service", "-silo").Name, chart.Single("StatefulSet", "-silo").Root.Text("spec", "serviceName"));
        Assert.NotNull(chart.Component("StatefulSet", "redis").Root.At("spec", "volumeClaimTemplates"));
        Assert.Null(chart.Component("StatefulSet", "predictions-redis").Root.At("spec", "volumeClaimTemplates"));
    }

    [Fact]
    public void Production_RendersIngressWithTlsAndServiceMonitor_UsesTheExistingSecret_AndOnlyThePredictionsRedis()
    {
        var chart = HelmChart.Render("production");
        var counts = chart.KindCounts();
        Assert.Equal(1, counts.GetValueOrDefault("Ingress"));
        Assert.Equal(1, counts.GetValueOrDefault("ServiceMonitor"));
        Assert.Equal(0, counts.GetValueOrDefault("Secret"));
        Assert.DoesNotContain(chart.Manifests, m => m.Labels.GetValueOrDefault("app.kubernetes.io/component") == "redis");
        Assert.Equal("2gb", RedisCommandLine.Option(chart.Component("StatefulSet", "predictions-redis"), "--maxmemory"));

        var ingress = chart.OfKind("Ingress").Single();
        var tls = ingress.Root.Items("spec", "tls").Single();
        var ruleHosts = ingress.Root.Items("spec", "rules").Select(r => r.Text("host")).ToArray();
        Assert.Equal(ruleHosts, tls.Items("hosts").Select(h => ((YamlDotNet.RepresentationModel.YamlScalarNode)h).Value).ToArray());
        Assert.False(string.IsNullOrEmpty(tls.Text("secretName")));
        var backend = ingress.Root.Items("spec", "rules").Single().Items("http", "paths").Single().At("backend", "service");
        Assert.Equal(chart.Single("Service", "-api").Name, backend.Text("name"));

        var queueMetric = chart.Single("HorizontalPodAutoscaler", "-silo").Root.Items("spec", "metrics").Single(m => m.Text("type") == "Pods");
        Assert.Equal("inference_queue_depth", queueMetric.Text("pods", "metric", "name"));
        Assert.Contains("inference_queue_depth", ExportedMetrics.Names);
    }

    [Fact]
    public void ExternalRedis_RendersNoRedisStatefulSetServiceOrPolicy_AndPointsEveryProcessThere()
    {
        var chart = HelmChart.Render("external-redis");
        Assert.DoesNotContain(chart.Manifests, m => m.Labels.GetValueOrDefault("app.kubernetes.io/component") == "redis");
        foreach (var config in new[] { chart.Single("ConfigMap", "-silo"), chart.Single("ConfigMap", "-api") })
        {
            Assert.Equal("redis.example.com:6379", config.Root.Strings("data")["Redis__Endpoint"]);
        }
        // No password given: no Redis__Password (an empty one would be sent as AUTH "").
        Assert.All(chart.Workloads.SelectMany(w => w.Containers), c => Assert.Null(Manifest.Env(c, "Redis__Password")));
    }

    [Fact]
    public void WithoutAutoscaling_WorkloadsSetTheirReplicas_AndNoHpaExists()
    {
        var chart = HelmChart.Render("no-autoscaling");
        Assert.Empty(chart.OfKind("HorizontalPodAutoscaler"));
        Assert.All(chart.Workloads, w => Assert.NotNull(w.Root.Int("spec", "replicas")));
        // With an HPA the workload leaves replicas to it (a value here would fight the HPA on every upgrade).
        Assert.Null(HelmChart.Render("default").Single("StatefulSet", "-silo").Root.At("spec", "replicas"));
    }

    [Fact]
    public void ModelFromUrl_InitContainerFetchesIntoTheVolumeTheSiloReads()
    {
        var chart = HelmChart.Render("model-url");
        var silo = chart.Single("StatefulSet", "-silo");
        var fetch = silo.InitContainers.Single();
        Assert.Contains("https://models.example.com/sst2", Manifest.Env(fetch, "MODEL_URL").Text("value"));
        string modelPath = chart.Single("ConfigMap", "-silo").Root.Strings("data")["Model__Path"];
        Assert.Contains(fetch.Items("volumeMounts"), m => m.Text("mountPath") == modelPath && m.Text("name") == "model");
        Assert.Contains(silo.Containers.Single().Items("volumeMounts"), m => m.Text("mountPath") == modelPath && m.Text("name") == "model");
    }

    [Fact]
    public void ModelFromPvc_MountedReadOnlyWhereTheSiloReads_AndBakedModelByDefault()
    {
        var chart = HelmChart.Render("model-pvc");
        var silo = chart.Single("StatefulSet", "-silo");
        var volume = silo.PodSpec.Items("volumes").Single(v => v.Text("name") == "model");
        Assert.Equal("models", volume.Text("persistentVolumeClaim", "claimName"));
        var mount = silo.Containers.Single().Items("volumeMounts").Single(m => m.Text("name") == "model");
        Assert.Equal("true", mount.Text("readOnly"));
        Assert.Equal("sst2", mount.Text("subPath"));
        Assert.Equal(chart.Single("ConfigMap", "-silo").Root.Strings("data")["Model__Path"], mount.Text("mountPath"));

        // The image's own model (docker/Dockerfile: Model__Path=/app/models/default) by default.
        Assert.Equal("/app/models/default", HelmChart.Render("default").Single("ConfigMap", "-silo").Root.Strings("data")["Model__Path"]);
        Assert.Empty(HelmChart.Render("default").Single("StatefulSet", "-silo").InitContainers);
    }
}
