using Microsoft.Net.Http.Headers;

namespace PredictionCluster.Api.Prediction;

/// <summary>
/// Whether a request's <c>Content-Type</c> is one <see cref="PredictRequestReader"/> reads: <c>application/json</c>,
/// with no charset or UTF-8 (RFC 8259: JSON exchanged between systems is UTF-8), and no parameter given twice. Routing's
/// Accepts metadata lets a missing or unparseable header through and ignores the charset, so the handler checks it itself.
/// </summary>
public static class JsonContentType
{
    public const string MediaType = "application/json";

    /// <summary>Null when <paramref name="contentType"/> is supported; otherwise why not, for the 415 answer.</summary>
    public static string? Refusal(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return $"The request has no Content-Type; send '{MediaType}'.";
        }
        if (!MediaTypeHeaderValue.TryParse(contentType, out var parsed) || parsed.MediaType.Value is null)
        {
            return $"The Content-Type '{contentType}' cannot be parsed; send '{MediaType}'.";
        }
        // Suffixed types (application/problem+json, ...) name other documents than a predict request.
        if (!parsed.MediaType.Equals(MediaType, StringComparison.OrdinalIgnoreCase))
        {
            return $"The Content-Type '{parsed.MediaType}' is not supported; send '{MediaType}'.";
        }
        // "charset=utf-8; charset=utf-16" means nothing for sure: parsers differ on which one wins (ours takes the
        // first), so a proxy or a logger may read the body as another text than we do.
        if (Repeated(parsed.Parameters) is { } repeated)
        {
            return $"The Content-Type gives the parameter '{repeated}' more than once; send it once.";
        }
        var charset = HeaderUtilities.RemoveQuotes(parsed.Charset);
        // "utf8" is not a registered name but a common alias (.NET and Python accept it) for the same bytes.
        if (charset.HasValue && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            return $"The charset '{charset}' is not supported; send the body in UTF-8 ('{MediaType}' or '{MediaType}; charset=utf-8').";
        }
        return null;
    }

    /// <summary>The name of a parameter given more than once (names are case-insensitive), or null.</summary>
    private static string? Repeated(IList<NameValueHeaderValue> parameters)
    {
        if (parameters.Count < 2)
        {
            return null;
        }
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in parameters)
        {
            if (!seen.Add(parameter.Name.Value ?? ""))
            {
                return parameter.Name.Value;
            }
        }
        return null;
    }
}
