using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Grains.Interfaces.Wire;

/// <summary>
/// Reads the fields of one message from a possibly multi-segment sequence. Every read checks what is left
/// first and throws <see cref="WireFormatException"/> (naming the field, the item and the byte offset) on
/// anything that does not fit, so a malformed message never surfaces as another exception type.
/// </summary>
internal ref struct WireReader
{
    // Texts split across segments are copied to a contiguous buffer first: from the stack up to this size.
    private const int StackCopyBytes = 512;

    // Throws on invalid bytes instead of substituting U+FFFD: a malformed text must be refused, not scored.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly string _message;
    private SequenceReader<byte> _reader;

    /// <param name="input">The whole message.</param>
    /// <param name="message">What the message is, for error texts ("prediction request").</param>
    public WireReader(ReadOnlySequence<byte> input, string message)
    {
        _reader = new SequenceReader<byte>(input);
        _message = message;
    }

    /// <summary>Bytes not read yet.</summary>
    public readonly long Remaining => _reader.Remaining;

    /// <summary>Checks the magic byte that says which message this is, then the version.</summary>
    public void ReadHeader(byte magic)
    {
        byte actual = ReadByte("magic byte");
        if (actual != magic)
        {
            throw Malformed($"magic byte is 0x{actual:X2}, expected 0x{magic:X2} (not a {_message}, or not this format)");
        }
        byte version = ReadByte("version");
        if (version != PredictionWire.Version)
        {
            throw Malformed($"version {version} is not supported (expected {PredictionWire.Version})");
        }
    }

    public byte ReadByte(string field, int item = -1)
    {
        if (!_reader.TryRead(out byte value))
        {
            throw Truncated(field, item);
        }
        return value;
    }

    public ushort ReadUInt16(string field, int item = -1)
    {
        if (!_reader.TryReadLittleEndian(out short value))
        {
            throw Truncated(field, item);
        }
        return (ushort)value;
    }

    public uint ReadUInt32(string field, int item = -1)
    {
        if (!_reader.TryReadLittleEndian(out int value))
        {
            throw Truncated(field, item);
        }
        return (uint)value;
    }

    /// <summary>Reads a count and checks it against <paramref name="max"/> and against the bytes left (each element takes at least <paramref name="minElementBytes"/>), before the caller allocates for it.</summary>
    public int ReadCount(string field, int max, int minElementBytes)
    {
        uint count = ReadUInt32(field);
        if (count > (uint)max)
        {
            throw Malformed($"{field} {count} is over the limit of {max}");
        }
        if ((long)count * minElementBytes > _reader.Remaining)
        {
            throw Malformed($"{field} {count} needs at least {(long)count * minElementBytes} more bytes, {_reader.Remaining} remain");
        }
        return (int)count;
    }

    public PredictionKey ReadKey(int item)
    {
        ReadOnlySpan<byte> unread = _reader.UnreadSpan;
        PredictionKey key;
        if (unread.Length >= PredictionKey.Size)
        {
            key = PredictionKey.Read(unread[..PredictionKey.Size]);
        }
        else
        {
            Span<byte> digest = stackalloc byte[PredictionKey.Size];
            if (!_reader.TryCopyTo(digest))
            {
                throw Truncated("key", item);
            }
            key = PredictionKey.Read(digest);
        }
        _reader.Advance(PredictionKey.Size);
        return key;
    }

    /// <summary>Decodes <paramref name="byteCount"/> bytes of strict UTF-8.</summary>
    public string ReadUtf8(uint byteCount, string field, int item = -1)
    {
        if (byteCount > _reader.Remaining)
        {
            throw Malformed($"{Where(field, item)} is {byteCount} bytes long, {_reader.Remaining} remain");
        }
        int length = (int)byteCount;
        if (length == 0)
        {
            return string.Empty;
        }

        string text;
        ReadOnlySpan<byte> unread = _reader.UnreadSpan;
        if (unread.Length >= length)
        {
            text = Decode(unread[..length], field, item);
        }
        else
        {
            // Split across segments (a large body arrives in several): join the pieces, then decode once.
            byte[]? rented = length > StackCopyBytes ? ArrayPool<byte>.Shared.Rent(length) : null;
            Span<byte> joined = (rented ?? stackalloc byte[StackCopyBytes])[..length];
            try
            {
                _reader.TryCopyTo(joined);
                text = Decode(joined, field, item);
            }
            finally
            {
                if (rented is not null)
                {
                    ArrayPool<byte>.Shared.Return(rented);
                }
            }
        }
        _reader.Advance(length);
        return text;
    }

    /// <summary>Fills <paramref name="destination"/> with float32 little-endian values.</summary>
    public void ReadSingles(Span<float> destination, string field, int item)
    {
        Span<byte> bytes = MemoryMarshal.AsBytes(destination);
        if (!_reader.TryCopyTo(bytes))
        {
            throw Truncated(field, item);
        }
        _reader.Advance(bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            Span<int> bits = MemoryMarshal.Cast<float, int>(destination);
            BinaryPrimitives.ReverseEndianness(bits, bits);
        }
    }

    /// <summary>The message must end exactly here: trailing bytes mean the two sides disagree on the format.</summary>
    public readonly void ReadEnd()
    {
        if (!_reader.End)
        {
            throw Malformed($"{_reader.Remaining} trailing byte(s) after the last item");
        }
    }

    public readonly WireFormatException Malformed(string problem, Exception? inner = null)
    {
        string message = $"Malformed {_message} at byte {_reader.Consumed}: {problem}.";
        return inner is null ? new WireFormatException(message) : new WireFormatException(message, inner);
    }

    private readonly WireFormatException Truncated(string field, int item) =>
        Malformed($"the message ends inside {Where(field, item)}");

    private readonly string Decode(ReadOnlySpan<byte> bytes, string field, int item)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw Malformed($"{Where(field, item)} is not valid UTF-8", e);
        }
    }

    private static string Where(string field, int item) => item < 0 ? field : $"item {item}'s {field}";
}
