using System.Text.Json.Serialization;

namespace PredictionCluster.Api.Payloads;

/// <summary>Source-generated JSON for the payload log's lines (the names are <see cref="PayloadEntry"/>'s, as in the OTLP records).</summary>
[JsonSourceGenerationOptions(WriteIndented = false)]
[JsonSerializable(typeof(PayloadEntry))]
internal sealed partial class PayloadLogJsonContext : JsonSerializerContext;
