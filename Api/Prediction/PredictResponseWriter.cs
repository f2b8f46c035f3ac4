using System.Buffers;
using System.Text.Json;
using PredictionCluster.Grains.Interfaces;

namespace PredictionCluster.Api.Prediction;

/// <summary>
/// Writes <c>{"predictions": [[{"label": ..., "score": ...}, ...], ...]}</c> straight into a buffer writer
/// (the response pipe), with label names encoded once per model.
/// </summary>
public sealed class PredictResponseWriter
{
    private static readonly JsonEncodedText Predictions = JsonEncodedText.Encode("predictions");
    private static readonly JsonEncodedText Label = JsonEncodedText.Encode("label");
    private static readonly JsonEncodedText Score = JsonEncodedText.Encode("score");

    // The cluster's model can change at run time (a rollout), so the encoding is keyed by descriptor.
    private volatile EncodedLabels? _encoded;

    /// <summary>Writes one list per text; <paramref name="scoresByText"/> holds each text's scores in <paramref name="model"/>'s label order.</summary>
    public void Write(IBufferWriter<byte> output, ModelDescriptor model, IReadOnlyList<float[]> scoresByText)
    {
        var encoded = _encoded;
        if (encoded is null || !ReferenceEquals(encoded.Model, model))
        {
            _encoded = encoded = new EncodedLabels(model, model.Labels.Select(l => JsonEncodedText.Encode(l)).ToArray());
        }
        var labels = encoded.Names;
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        writer.WriteStartArray(Predictions);
        foreach (var scores in scoresByText)
        {
            writer.WriteStartArray();
            for (int i = 0; i < labels.Length; i++)
            {
                writer.WriteStartObject();
                writer.WriteString(Label, labels[i]);
                writer.WriteNumber(Score, scores[i]);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private sealed record EncodedLabels(ModelDescriptor Model, JsonEncodedText[] Names);
}
