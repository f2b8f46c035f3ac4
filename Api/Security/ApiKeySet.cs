using System.Security.Cryptography;
using System.Text;

namespace Api.Security;

/// <summary>
/// The accepted API keys, held as SHA-256 digests and matched in constant time: a presented key is hashed and compared
/// with every digest in full, so the time an answer takes says nothing about which key, or how much of one, matched.
/// </summary>
public sealed class ApiKeySet
{
    /// <summary>Shorter keys are refused at start: a key is a secret to be generated (e.g. <c>openssl rand -hex 32</c>), not a password.</summary>
    public const int MinKeyLength = 16;

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
        return new ApiKeySet(keys.Distinct(StringComparer.Ordinal).Select(Digest).ToArray());
    }

    /// <summary>What is wrong with the keys <paramref name="options"/> name (empty when nothing is), without a key in the text.</summary>
    public static IReadOnlyList<string> Problems(ApiKeyOptions options) => Read(options).Problems;

    /// <summary>
    /// Whether <paramref name="presented"/> is an accepted key; <paramref name="keyId"/> is then a short stable name of
    /// it (the start of its digest) for rate-limit partitions, which reveals nothing of the key.
    /// </summary>
    public bool TryMatch(string presented, out string keyId)
    {
        byte[] digest = Digest(presented);
        int matched = -1;
        for (int i = 0; i < _digests.Length; i++)
        {
            // No early exit: every digest is compared whatever matched before.
            if (CryptographicOperations.FixedTimeEquals(digest, _digests[i]))
            {
                matched = i;
            }
        }
        keyId = matched >= 0 ? Convert.ToHexStringLower(digest.AsSpan(0, 8)) : "";
        return matched >= 0;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

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
