using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace PredictionCluster.Grains.Interfaces;

/// <summary>
/// Identity of a PredictionGrain: SHA-256 over (model id, text). Held as four 64-bit words so that
/// equality and hashing are cheap and a key costs 32 bytes, not a string.
/// </summary>
public readonly struct PredictionKey : IEquatable<PredictionKey>
{
    /// <summary>Bytes in the digest.</summary>
    public const int Size = 32;

    // Texts at or below this many UTF-8 bytes are hashed from a stack buffer; longer ones rent.
    private const int StackBufferBytes = 1024;

    private readonly ulong _a, _b, _c, _d;

    private PredictionKey(ReadOnlySpan<byte> digest)
    {
        _a = BinaryPrimitives.ReadUInt64BigEndian(digest);
        _b = BinaryPrimitives.ReadUInt64BigEndian(digest[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(digest[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(digest[24..]);
    }

    /// <summary>The key of <paramref name="text"/> under the model <paramref name="modelId"/>.</summary>
    public static PredictionKey Compute(string modelId, ReadOnlySpan<char> text)
    {
        // Layout: model id, a 0x00 separator (ids are hex, never contain it), the text, all UTF-8.
        int max = Encoding.UTF8.GetMaxByteCount(modelId.Length + text.Length) + 1;
        byte[]? rented = max > StackBufferBytes ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buffer = rented ?? stackalloc byte[StackBufferBytes];
        try
        {
            int written = Encoding.UTF8.GetBytes(modelId, buffer);
            buffer[written++] = 0;
            written += Encoding.UTF8.GetBytes(text, buffer[written..]);
            Span<byte> digest = stackalloc byte[Size];
            SHA256.HashData(buffer[..written], digest);
            return new PredictionKey(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Parses the 64-character hex form written by <see cref="ToString"/>.</summary>
    public static bool TryParse(ReadOnlySpan<char> hex, out PredictionKey key)
    {
        Span<byte> digest = stackalloc byte[Size];
        if (hex.Length != Size * 2 || Convert.FromHexString(hex, digest, out _, out int written) != OperationStatus.Done || written != Size)
        {
            key = default;
            return false;
        }
        key = new PredictionKey(digest);
        return true;
    }

    /// <summary>The key whose digest is <paramref name="digest"/>: exactly the 32 bytes written by <see cref="WriteTo"/>.</summary>
    public static PredictionKey Read(ReadOnlySpan<byte> digest)
    {
        if (digest.Length != Size)
        {
            throw new ArgumentException($"A key digest is {Size} bytes, not {digest.Length}.", nameof(digest));
        }
        return new PredictionKey(digest);
    }

    /// <summary>Writes the 32 digest bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    /// <summary>A 64-bit projection of the digest, uniformly distributed (for hashing schemes).</summary>
    public ulong Low64 => _d;

    public bool Equals(PredictionKey other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is PredictionKey other && Equals(other);

    // The digest is already uniform: any 32 bits of it make a good hash code.
    public override int GetHashCode() => (int)_a;

    public override string ToString()
    {
        Span<byte> digest = stackalloc byte[Size];
        WriteTo(digest);
        return Convert.ToHexStringLower(digest);
    }

    public static bool operator ==(PredictionKey left, PredictionKey right) => left.Equals(right);

    public static bool operator !=(PredictionKey left, PredictionKey right) => !left.Equals(right);
}
