using System.Text.Json.Serialization;

namespace Metrics;

/// <summary>
/// Metric snapshots as JSON (source-generated): a silo hands its families to the API's operator dashboard this way,
/// so both read the same aggregates as <c>/metrics</c>.
/// </summary>
[JsonSourceGenerationOptions(NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals, UseStringEnumConverter = true)]
[JsonSerializable(typeof(MetricFamily[]))]
public sealed partial class MetricsJsonContext : JsonSerializerContext;
