using System.Reflection;

namespace Metrics;

/// <summary>
/// What a host is, as the constant gauge <c>build_info{version, role, silo_id, model_id} 1</c>: dashboards join it to
/// other series to tell versions and models apart during a rollout. The model id is asked for at scrape time
/// (a cluster API learns it after startup).
/// </summary>
public sealed class BuildInfo(string role, string? siloId, Func<string?> modelId)
{
    private static readonly string Version =
        Assembly.GetEntryAssembly()?.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(BuildInfo).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary><c>api</c>, <c>embedded</c> (an API co-hosting its silo) or <c>silo</c>.</summary>
    public string Role { get; } = role;

    /// <summary>The silo's id; empty on a cluster API.</summary>
    public string? SiloId { get; } = siloId;

    public string? ModelId => modelId();

    internal MetricFamily Family() => new("build_info", "Constant 1, labelled with the version, role, silo id and model id of this process.", MetricType.Gauge,
    [
        new MetricSample(
        [
            new("model_id", ModelId ?? ""),
            new("role", Role),
            new("silo_id", SiloId ?? ""),
            new("version", Version),
        ], 1),
    ]);
}
