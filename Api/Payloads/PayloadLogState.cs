using System.Collections;

namespace PredictionCluster.Api.Payloads;

/// <summary>
/// A record as the state of an <c>ILogger</c> call: OpenTelemetry's logger provider takes a state that is a list of
/// key-value pairs as the log record's attributes, so these are exported under <see cref="PayloadEntry"/>'s names and
/// types (arrays of strings and doubles are OTLP array values). <c>{OriginalFormat}</c> becomes the record's body.
/// </summary>
internal sealed class PayloadLogState(PayloadEntry entry) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public const string Body = "prediction payload";

    private readonly KeyValuePair<string, object?>[] _attributes = Attributes(entry);

    /// <summary>When the request was answered (the log record's timestamp, not the writer's later moment).</summary>
    public DateTimeOffset Time { get; } = entry.Time;

    public KeyValuePair<string, object?> this[int index] => _attributes[index];

    public int Count => _attributes.Length;

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)_attributes).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Body;

    private static KeyValuePair<string, object?>[] Attributes(PayloadEntry entry)
    {
        var scores = new double[entry.Scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = entry.Scores[i];
        }
        var attributes = new List<KeyValuePair<string, object?>>(12)
        {
            new("model.id", entry.ModelId),
            new("prediction.key", entry.Key),
            new("text.length", entry.TextLength),
            new("prediction.label", entry.Label),
            new("prediction.labels", entry.Labels.ToArray()),
            new("prediction.scores", scores),
            new("cache.tier", entry.Tier),
            new("latency_ms", entry.LatencyMs),
            new("sample.rate", entry.SampleRate),
        };
        if (entry.Text is not null)
        {
            attributes.Add(new("text", entry.Text));
        }
        attributes.Add(new("{OriginalFormat}", Body));
        return [.. attributes];
    }
}
