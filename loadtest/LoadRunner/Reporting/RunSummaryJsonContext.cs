using System.Text.Json.Serialization;

namespace LoadRunner.Reporting;

/// <summary>Source-generated serialization of <see cref="RunSummary"/> (no reflection), snake_case names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class RunSummaryJsonContext : JsonSerializerContext;
