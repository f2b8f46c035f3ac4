using PredictionCluster.Inference.Model;
using System.Text.Json.Serialization;
using PredictionCluster.Grains.Interfaces;

namespace PredictionCluster.Api.Payloads;

/// <summary>
/// One record as it is written: a line of the JSON-lines file, or the attributes of an OpenTelemetry log record, under
/// the same names in both.
/// </summary>
public sealed class PayloadEntry
{
    /// <summary>When the request was answered.</summary>
    [JsonPropertyName("time")]
    public required DateTimeOffset Time { get; init; }

    /// <summary>The model's content id: a record is only meaningful for the model that answered it.</summary>
    [JsonPropertyName("model.id")]
    public required string ModelId { get; init; }

    /// <summary>
    /// The text's key: SHA-256 over (model id, 0x00, text), hex, as in the text's grain key (<c>{model.id}/{key}</c>)
    /// and in Redis, so that a record joins with them; the same text is the same key, without the text being kept.
    /// </summary>
    [JsonPropertyName("prediction.key")]
    public required string Key { get; init; }

    /// <summary>The text's length in UTF-16 code units (what <c>Api:MaxTextChars</c> counts).</summary>
    [JsonPropertyName("text.length")]
    public required int TextLength { get; init; }

    /// <summary>The text itself, only with <c>PayloadLog:IncludeText</c>.</summary>
    [JsonPropertyName("text")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; init; }

    /// <summary>The predicted label: the highest score's.</summary>
    [JsonPropertyName("prediction.label")]
    public required string Label { get; init; }

    /// <summary>Every label of the model, in its output order.</summary>
    [JsonPropertyName("prediction.labels")]
    public required IReadOnlyList<string> Labels { get; init; }

    /// <summary>Every label's score, in <see cref="Labels"/>' order, as the API answered them.</summary>
    [JsonPropertyName("prediction.scores")]
    public required float[] Scores { get; init; }

    /// <summary>Which tier answered: <c>near_cache</c>, <c>memory</c>, <c>storage</c> or <c>inference</c> (the names of <c>predictions_total</c>).</summary>
    [JsonPropertyName("cache.tier")]
    public required string Tier { get; init; }

    /// <summary>The request's time in the API, from its handler's start (the body read included) to its answer, in ms; every text of a request has its request's.</summary>
    [JsonPropertyName("latency_ms")]
    public required double LatencyMs { get; init; }

    /// <summary>The sample rate the record was taken at: a record stands for 1/rate requests.</summary>
    [JsonPropertyName("sample.rate")]
    public required double SampleRate { get; init; }

    /// <summary>The entry of <paramref name="record"/>; its text only when <paramref name="includeText"/>.</summary>
    public static PayloadEntry From(PayloadRecord record, bool includeText)
    {
        var scores = record.Scores.AsSpan();
        int top = TopLabel.IndexOf(scores);
        return new PayloadEntry
        {
            Time = record.Time,
            ModelId = record.Model.ModelId,
            Key = PredictionKey.Compute(record.Model.ModelId, record.Text).ToString(),
            TextLength = record.Text.Length,
            Text = includeText ? record.Text : null,
            Label = record.Model.Labels[top],
            Labels = record.Model.Labels,
            Scores = scores.ToArray(),
            Tier = TierName(record.Source),
            LatencyMs = record.Latency.TotalMilliseconds,
            SampleRate = record.SampleRate,
        };
    }

    private static string TierName(PredictionSource source) => source switch
    {
        PredictionSource.NearCache => "near_cache",
        PredictionSource.Memory => "memory",
        PredictionSource.Storage => "storage",
        PredictionSource.Inference => "inference",
        _ => "unknown",
    };
}
