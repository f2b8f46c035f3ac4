using PredictionCluster.ServiceDefaults.Security;

namespace PredictionCluster.Api.Security;

/// <summary>
/// The accepted API keys, held as SHA-256 digests and matched in constant time (<see cref="SecretDigest"/>): a presented
/// key is hashed and compared with every digest in full, so the time an answer takes says nothing about which key, or
/// how much of one, matched.
/// </summary>
public sealed class ApiKeySet
{
    /// <summary>Shorter keys are refused at start: a key is a secret to be generated (e.g. <c>openssl rand -hex 32</c>), not a password.</summary>
    public const int MinKeyLength = SecretDigest.MinimumLength;

    private readonly byte[][] _digests;

    private ApiKeySet(byte[][] digests) => _digests = digests;

    /// <summary>Whether any key is configured: if not, <c>/predict</c> asks for none.</summary>
    public bool IsEnabled => _digests.Length > 0;

    /// <summary>The keys <paramref name="options"/> name; throws if they are unusable (see <see cref="Problems"/>).</summary>
    public static ApiKeySet From(ApiKeyOptions options)
    {
        var (keys, problems) = Read(options);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }
        return new ApiKeySet(keys.Distinct(StringComparer.Ordinal).Select(key => SecretDigest.Of(key)).ToArray());
    }

    /// <summary>What is wrong with the keys <paramref name="options"/> name (empty when nothing is), without a key in the text.</summary>
    public static IReadOnlyList<string> Problems(ApiKeyOptions options) => Read(options).Problems;

    /// <summary>
    /// Whether <paramref name="presented"/> is an accepted key; <paramref name="keyId"/> is then a short stable name of
    /// it (the start of its digest) for rate-limit partitions, which reveals nothing of the key.
    /// </summary>
    public bool TryMatch(string presented, out string keyId)
    {
        bool matched = SecretDigest.IndexOf(presented, _digests, out byte[] digest) >= 0;
        keyId = matched ? Convert.ToHexStringLower(digest.AsSpan(0, 8)) : "";
        return matched;
    }

    private static (List<string> Keys, List<string> Problems) Read(ApiKeyOptions options)
    {
        var keys = new List<string>(options.Keys);
        var problems = new List<string>();
        if (!string.IsNullOrWhiteSpace(options.File))
        {
            if (!System.IO.File.Exists(options.File))
            {
                problems.Add($"{ApiKeyOptions.SectionName}:File '{options.File}' does not exist.");
            }
            else
            {
                // Fail closed: a file named on purpose that holds no key is a broken Secret, not a wish for an open API.
                var fromFile = System.IO.File.ReadAllLines(options.File).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
                if (fromFile.Count == 0)
                {
                    problems.Add($"{ApiKeyOptions.SectionName}:File '{options.File}' holds no key.");
                }
                keys.AddRange(fromFile);
            }
        }
        for (int i = 0; i < keys.Count; i++)
        {
            if (keys[i].Length < MinKeyLength || keys[i].Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            {
                problems.Add($"API key {i + 1} of {keys.Count} is shorter than {MinKeyLength} characters or holds whitespace.");
            }
        }
        return (keys, problems);
    }
}
