namespace PredictionCluster.Api.Prediction;

/// <summary>What <see cref="PredictRequestReader"/> made of a body: the texts, or errors by field (JSON path).</summary>
public sealed class PredictRequestParse
{
    private PredictRequestParse(List<string>? texts, Dictionary<string, string[]>? errors, bool malformed)
    {
        Texts = texts;
        Errors = errors;
        IsMalformedJson = malformed;
    }

    public List<string>? Texts { get; }

    public Dictionary<string, string[]>? Errors { get; }

    /// <summary>The body is not JSON at all (as opposed to JSON of the wrong shape).</summary>
    public bool IsMalformedJson { get; }

    public bool IsValid => Errors is null;

    public static PredictRequestParse Valid(List<string> texts) => new(texts, null, false);

    public static PredictRequestParse Invalid(Dictionary<string, string[]> errors, bool malformed = false) => new(null, errors, malformed);
}
