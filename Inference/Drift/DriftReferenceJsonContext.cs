using System.Text.Json.Serialization;

namespace PredictionCluster.Inference.Drift;

/// <summary>
/// Source-generated JSON of <c>reference.json</c>: snake_case like config.json, indented for people; a missing or
/// null field is an error (not a silent empty list), so a truncated file is refused.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(DriftReference))]
internal sealed partial class DriftReferenceJsonContext : JsonSerializerContext;
