using System.Buffers;
using System.Text.Json;
using Grains.Interfaces;

namespace Api.Prediction;

/// <summary>
/// Writes <c>{"predictions": [[{"label": ..., "score": ...}, ...], ...]}</c> straight into a buffer writer
/// (the response pipe), with label names encoded once per model.
/// </summary>
public sealed class PredictResponseWriter(ModelDescriptor model)
{
    private static readonly JsonEncodedText Predictions = JsonEncodedText.Encode("predictions");
    private static readonly JsonEncodedText Label = JsonEncodedText.Encode("label");
    private static readonly JsonEncodedText Score = JsonEncodedText.Encode("score");

    private readonly JsonEncodedText[] _labels = model.Labels.Select(l => JsonEncodedText.Encode(l)).ToArray();

    /// <summary>Writes one list per text; <paramref name="scoresByText"/> holds each text's scores in label order.</summary>
    public void Write(IBufferWriter<byte> output, IReadOnlyList<float[]> scoresByText)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        writer.WriteStartArray(Predictions);
        foreach (var scores in scoresByText)
        {
            writer.WriteStartArray();
            for (int i = 0; i < _labels.Length; i++)
            {
                writer.WriteStartObject();
                writer.WriteString(Label, _labels[i]);
                writer.WriteNumber(Score, scores[i]);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }
}
