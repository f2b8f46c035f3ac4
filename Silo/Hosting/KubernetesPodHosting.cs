using Orleans.Hosting.Kubernetes;

namespace PredictionCluster.Silo.Hosting;

/// <summary>
/// Orleans' Kubernetes hosting (<c>Microsoft.Orleans.Hosting.Kubernetes</c>), only inside a pod: there it names the
/// silo after its pod (<c>POD_NAME</c>), takes the cluster and service ids from <c>ORLEANS_CLUSTER_ID</c> and
/// <c>ORLEANS_SERVICE_ID</c>, and watches the pods labelled <c>orleans/clusterId</c> and <c>orleans/serviceId</c>, so a
/// deleted pod's silo is declared dead at once instead of after missed probes. Outside a pod it cannot start (no
/// <c>POD_NAMESPACE</c>, no in-cluster API credentials), hence the check on <c>KUBERNETES_SERVICE_HOST</c>, which the
/// kubelet sets in every container.
/// </summary>
public static class KubernetesPodHosting
{
    public const string ServiceHostVariable = "KUBERNETES_SERVICE_HOST";

    /// <summary>Whether this process runs in a Kubernetes pod (environment variables are part of the configuration).</summary>
    public static bool IsInPod(IConfiguration configuration) => !string.IsNullOrEmpty(configuration[ServiceHostVariable]);

    /// <summary>
    /// <c>UseKubernetesHosting()</c> in a pod. <c>DeleteDefunctSiloPods</c> stays off: a silo declared dead stops
    /// itself and Kubernetes restarts its container, so deleting the pod adds nothing but a <c>delete</c> right on
    /// every pod of the namespace, held by a process that runs a model over user text.
    /// </summary>
    public static ISiloBuilder UseKubernetesHostingInPod(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (IsInPod(configuration))
        {
            silo.UseKubernetesHosting(options => options.Configure(o => o.DeleteDefunctSiloPods = false));
        }
        return silo;
    }
}
