using System.Security.Cryptography;
using System.Text;

namespace PredictionCluster.ServiceDefaults.Security;

/// <summary>
/// Secrets that requests present (API keys, the operator key), held and compared as SHA-256 digests: digests of equal
/// length compared in constant time leak neither a secret's bytes nor its length.
/// </summary>
public static class SecretDigest
{
    /// <summary>Shorter secrets are refused at start: they are to be generated (<c>openssl rand -hex 32</c>), not chosen.</summary>
    public const int MinimumLength = 16;

    public static byte[] Of(ReadOnlySpan<char> secret)
    {
        byte[] utf8 = new byte[Encoding.UTF8.GetByteCount(secret)];
        Encoding.UTF8.GetBytes(secret, utf8);
        try
        {
            return SHA256.HashData(utf8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }

    /// <summary>
    /// The index in <paramref name="digests"/> of <paramref name="presented"/>'s digest (returned too), or -1. Every
    /// digest is compared in full whatever matched before, so the time taken says nothing about which one matched.
    /// </summary>
    public static int IndexOf(ReadOnlySpan<char> presented, IReadOnlyList<byte[]> digests, out byte[] digest)
    {
        digest = Of(presented);
        int matched = -1;
        for (int i = 0; i < digests.Count; i++)
        {
            if (CryptographicOperations.FixedTimeEquals(digest, digests[i]))
            {
                matched = i;
            }
        }
        return matched;
    }
}
