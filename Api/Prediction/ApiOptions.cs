using System.ComponentModel.DataAnnotations;

namespace PredictionCluster.Api.Prediction;

/// <summary>Limits on what one request may ask. Section <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Api";

    /// <summary>Texts per request at most.</summary>
    [Range(1, 100_000)]
    public int MaxTexts { get; set; } = 128;

    /// <summary>Characters (UTF-16 code units) per text at most, checked before tokenization.</summary>
    [Range(1, 10_000_000)]
    public int MaxTextChars { get; set; } = 10_000;

    /// <summary>Request body bytes at most.</summary>
    [Range(64, 1L << 30)]
    public long MaxBodyBytes { get; set; } = 1 << 20;

    /// <summary>Retry-After (seconds) sent with 503: when no silo can answer; for overload, the least sent (the engine's expected wait when longer).</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 1;
}
