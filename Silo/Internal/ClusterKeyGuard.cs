using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Grains.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Silo.Internal;

/// <summary>Checks the cluster key an internal call presents against <c>Cluster:Key</c>, in constant time.</summary>
internal sealed class ClusterKeyGuard(IOptions<ClusterOptions> options)
{
    // Presented keys are encoded on the stack up to this many bytes; the configured key is rarely longer.
    private const int StackBufferBytes = 512;

    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.Key);

    /// <summary>Why a call is refused, or null when it carries the key.</summary>
    public string? Refusal(StringValues presented)
    {
        if (presented.Count != 1 || string.IsNullOrEmpty(presented[0]))
        {
            return "no cluster key";
        }
        string value = presented[0]!;
        // A UTF-8 byte per char at least: a longer value cannot match, and is not worth encoding.
        if (value.Length > _key.Length)
        {
            return "a wrong cluster key";
        }

        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = max > StackBufferBytes ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buffer = rented ?? stackalloc byte[StackBufferBytes];
        try
        {
            int written = Encoding.UTF8.GetBytes(value, buffer);
            // Constant time in the content: how far a guess matches does not show in the response time.
            return CryptographicOperations.FixedTimeEquals(buffer[..written], _key) ? null : "a wrong cluster key";
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
