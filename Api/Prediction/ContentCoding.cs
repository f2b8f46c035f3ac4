using Microsoft.Extensions.Primitives;

namespace PredictionCluster.Api.Prediction;

/// <summary>
/// Whether a request's <c>Content-Encoding</c> is one <see cref="PredictRequestReader"/> reads: none, or
/// <c>identity</c>. Compressed bodies are refused rather than inflated: a body is at most <c>Api:MaxBodyBytes</c> of
/// text, common clients do not compress requests, and a decoder would add a bomb to bound and CPU spent at a ratio
/// the client picks, for bytes a proxy can as well compress on the wire.
/// </summary>
public static class ContentCoding
{
    /// <summary>The one coding read: "no coding" (RFC 9110 §8.4.1); also the value of <c>Accept-Encoding</c> on the refusal.</summary>
    public const string Identity = "identity";

    /// <summary>Null when <paramref name="contentEncoding"/> names no coding but identity; otherwise why not, for the 415 answer.</summary>
    public static string? Refusal(StringValues contentEncoding)
    {
        if (contentEncoding.Count == 0)
        {
            return null;
        }
        var refused = new List<string>();
        foreach (string? value in contentEncoding)
        {
            foreach (string coding in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (!coding.Equals(Identity, StringComparison.OrdinalIgnoreCase))
                {
                    refused.Add(coding);
                }
            }
        }
        return refused.Count == 0
            ? null
            : $"The Content-Encoding '{string.Join(", ", refused)}' is not supported; send the body uncompressed (no Content-Encoding, or '{Identity}').";
    }
}
