using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Grains.Hosting.Operators;

/// <summary>The configured operator key, compared with what a request presents in constant time.</summary>
public sealed class OperatorKey
{
    /// <summary>SHA-256 of the key: comparing digests of equal length leaks neither the key's bytes nor its length.</summary>
    private readonly byte[]? _digest;

    public OperatorKey(IOptions<OperatorKeyOptions> options)
    {
        string? key = options.Value.OperatorKey;
        _digest = string.IsNullOrEmpty(key) ? null : Digest(key);
    }

    public bool IsConfigured => _digest is not null;

    /// <summary>Whether <paramref name="presented"/> is the key; always false when no key is configured.</summary>
    public bool Matches(ReadOnlySpan<char> presented) =>
        _digest is not null && CryptographicOperations.FixedTimeEquals(_digest, Digest(presented));

    private static byte[] Digest(ReadOnlySpan<char> text)
    {
        byte[] utf8 = new byte[Encoding.UTF8.GetByteCount(text)];
        Encoding.UTF8.GetBytes(text, utf8);
        try
        {
            return SHA256.HashData(utf8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(utf8);
        }
    }
}
