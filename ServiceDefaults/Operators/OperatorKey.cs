using PredictionCluster.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace PredictionCluster.ServiceDefaults.Operators;

/// <summary>The configured operator key, compared with what a request presents in constant time (<see cref="SecretDigest"/>).</summary>
public sealed class OperatorKey
{
    /// <summary>The key's digest, or none when no key is configured.</summary>
    private readonly byte[][] _digest;

    public OperatorKey(IOptions<OperatorKeyOptions> options)
    {
        string? key = options.Value.OperatorKey;
        _digest = string.IsNullOrEmpty(key) ? [] : [SecretDigest.Of(key)];
    }

    public bool IsConfigured => _digest.Length > 0;

    /// <summary>Whether <paramref name="presented"/> is the key; always false when no key is configured.</summary>
    public bool Matches(ReadOnlySpan<char> presented) => SecretDigest.IndexOf(presented, _digest, out _) == 0;
}
