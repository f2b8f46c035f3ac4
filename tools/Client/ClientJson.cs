using System.Text.Json.Serialization;

namespace Client;

internal sealed record PredictBody([property: JsonPropertyName("text")] IReadOnlyList<string> Text);

internal sealed record LabelScore([property: JsonPropertyName("label")] string Label, [property: JsonPropertyName("score")] float Score);

internal sealed record PredictAnswer([property: JsonPropertyName("predictions")] List<List<LabelScore>> Predictions);

[JsonSerializable(typeof(PredictBody))]
[JsonSerializable(typeof(PredictAnswer))]
internal sealed partial class ClientJson : JsonSerializerContext;
