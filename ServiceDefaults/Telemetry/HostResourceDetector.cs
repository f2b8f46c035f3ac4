using System.Reflection;
using PredictionCluster.Inference.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenTelemetry.Resources;
using Orleans.Configuration;

namespace PredictionCluster.ServiceDefaults.Telemetry;

/// <summary>
/// What this process is, as resource attributes on every trace and as Prometheus' <c>target_info</c>: its role,
/// its silo name (the pod name on Kubernetes) and the model it serves. Read from the host's services when the
/// telemetry providers are built, after the model directory was opened. A cluster API has neither silo nor model.
/// </summary>
internal sealed class HostResourceDetector(TelemetryRole role, IServiceProvider services) : IResourceDetector
{
    public const string RoleAttribute = "prediction.role";
    public const string ModelIdAttribute = "prediction.model_id";

    private static readonly string Version =
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    public Resource Detect()
    {
        string? siloName = role == TelemetryRole.Api ? null : services.GetService<IOptions<SiloOptions>>()?.Value.SiloName;
        var attributes = new Dictionary<string, object>
        {
            ["service.name"] = ServiceName(role),
            ["service.version"] = Version,
            ["service.instance.id"] = siloName ?? Environment.MachineName,
            [RoleAttribute] = role.ToString().ToLowerInvariant(),
        };
        if (services.GetService<ModelDirectory>() is { } model)
        {
            attributes[ModelIdAttribute] = model.ModelId;
        }
        return new Resource(attributes);
    }

    /// <summary>The API's name in embedded mode too: it is the process users call.</summary>
    public static string ServiceName(TelemetryRole role) => role == TelemetryRole.Silo ? "prediction-silo" : "prediction-api";
}
