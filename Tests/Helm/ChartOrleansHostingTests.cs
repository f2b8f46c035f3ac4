using YamlDotNet.RepresentationModel;

namespace Tests.Helm;

/// <summary>
/// What Orleans' Kubernetes hosting needs of the silo pods (Silo/Hosting/KubernetesPodHosting.cs): labels and
/// environment equal to the silos' Orleans ids, and a service account allowed to read and watch pods, nothing more.
/// </summary>
public sealed class ChartOrleansHostingTests
{
    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void SiloPods_CarryTheLabelsAndEnvironmentOfKubernetesHosting_EqualToTheSilosOrleansIds(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        var silo = chart.Single("StatefulSet", "-silo");
        var container = silo.Containers.Single();
        var settings = chart.Single("ConfigMap", "-silo").Root.Strings("data");

        Assert.Equal(settings["Orleans__ClusterId"], silo.PodLabels["orleans/clusterId"]);
        Assert.Equal(settings["Orleans__ServiceId"], silo.PodLabels["orleans/serviceId"]);
        Assert.Equal(settings["Orleans__ClusterId"], Manifest.Env(container, "ORLEANS_CLUSTER_ID").Text("value"));
        Assert.Equal(settings["Orleans__ServiceId"], Manifest.Env(container, "ORLEANS_SERVICE_ID").Text("value"));
        foreach (var (variable, field) in new[] { ("POD_NAMESPACE", "metadata.namespace"), ("POD_NAME", "metadata.name"), ("POD_IP", "status.podIP") })
        {
            Assert.Equal(field, Manifest.Env(container, variable).Text("valueFrom", "fieldRef", "fieldPath"));
        }
        // The labels are pod labels, not selector labels: a StatefulSet's selector cannot change on upgrade.
        Assert.DoesNotContain(silo.Root.Strings("spec", "selector", "matchLabels").Keys, k => k.StartsWith("orleans/", StringComparison.Ordinal));

        // The API is a client: no Kubernetes hosting, no labels it would be watched by.
        var api = chart.Single("Deployment", "-api");
        Assert.DoesNotContain(api.PodLabels.Keys, k => k.StartsWith("orleans/", StringComparison.Ordinal));
        Assert.Null(Manifest.Env(api.Containers.Single(), "POD_NAMESPACE"));
    }

    [Fact]
    public void OtherOrleansIds_ReachLabelsEnvironmentAndSettingsAlike()
    {
        var chart = HelmChart.RenderWith("--set", "orleans.clusterId=blue-2", "--set", "orleans.serviceId=sentiment.v1");
        var silo = chart.Single("StatefulSet", "-silo");
        var settings = chart.Single("ConfigMap", "-silo").Root.Strings("data");
        Assert.Equal(("blue-2", "sentiment.v1"), (silo.PodLabels["orleans/clusterId"], silo.PodLabels["orleans/serviceId"]));
        Assert.Equal(("blue-2", "sentiment.v1"), (settings["Orleans__ClusterId"], settings["Orleans__ServiceId"]));
        Assert.Equal("blue-2", Manifest.Env(silo.Containers.Single(), "ORLEANS_CLUSTER_ID").Text("value"));
    }

    [Theory]
    [MemberData(nameof(HelmChart.ValueSetNames), MemberType = typeof(HelmChart))]
    public void Silos_RunAsAServiceAccountWhoseRoleMayOnlyGetListAndWatchPods_AndNoOtherPodHasAToken(string valueSet)
    {
        var chart = HelmChart.Render(valueSet);
        var silo = chart.Single("StatefulSet", "-silo");
        var account = chart.OfKind("ServiceAccount").Single();
        Assert.Equal(account.Name, silo.PodSpec.Text("serviceAccountName"));
        Assert.Equal("true", silo.PodSpec.Text("automountServiceAccountToken"));
        Assert.Equal("false", account.Root.Text("automountServiceAccountToken"));

        var role = chart.OfKind("Role").Single();
        var rule = role.Root.Items("rules").Single();
        Assert.Equal([""], Scalars(rule, "apiGroups"));
        Assert.Equal(["pods"], Scalars(rule, "resources"));
        // No delete (DeleteDefunctSiloPods is off), no patch (the labels are already on the pods).
        Assert.Equal(["get", "list", "watch"], Scalars(rule, "verbs").Order());

        var binding = chart.OfKind("RoleBinding").Single();
        Assert.Equal(("Role", role.Name, "rbac.authorization.k8s.io"),
            (binding.Root.Text("roleRef", "kind"), binding.Root.Text("roleRef", "name"), binding.Root.Text("roleRef", "apiGroup")));
        var subject = binding.Root.Items("subjects").Single();
        Assert.Equal(("ServiceAccount", account.Name, "prediction"), (subject.Text("kind"), subject.Text("name"), subject.Text("namespace")));
        Assert.Empty(chart.OfKind("ClusterRole"));
        Assert.Empty(chart.OfKind("ClusterRoleBinding"));

        foreach (var workload in chart.Workloads.Where(w => w != silo))
        {
            Assert.True(workload.PodSpec.Text("automountServiceAccountToken") == "false", $"{workload} mounts a service account token");
        }
    }

    private static string[] Scalars(YamlNode node, string key) => node.Items(key).Select(n => ((YamlScalarNode)n).Value!).ToArray();
}
