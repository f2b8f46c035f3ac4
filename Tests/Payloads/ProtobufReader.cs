using System.Buffers.Binary;
using System.Text;

namespace Tests.Payloads;

/// <summary>
/// Enough of the protobuf wire format to read OTLP's messages by field number: varints, 64-bit and 32-bit fixed
/// fields and length-delimited fields (sub-messages, strings, packed arrays); groups do not occur in OTLP.
/// </summary>
public ref struct ProtobufReader(ReadOnlySpan<byte> message)
{
    private readonly ReadOnlySpan<byte> _message = message;
    private int _position;

    /// <summary>The field number of the next field, or false at the end of the message.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        if (_position >= _message.Length)
        {
            field = wireType = 0;
            return false;
        }
        ulong tag = ReadVarint();
        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            byte b = _message[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new FormatException("A varint longer than 10 bytes.");
    }

    public ulong ReadFixed64()
    {
        ulong value = BinaryPrimitives.ReadUInt64LittleEndian(_message[_position..]);
        _position += 8;
        return value;
    }

    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadFixed64());

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        int length = checked((int)ReadVarint());
        var bytes = _message.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadLengthDelimited());

    /// <summary>Skips a field of <paramref name="wireType"/> that the caller does not read.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case 0:
                ReadVarint();
                break;
            case 1:
                _position += 8;
                break;
            case 2:
                ReadLengthDelimited();
                break;
            case 5:
                _position += 4;
                break;
            default:
                throw new FormatException($"Wire type {wireType} is not used by OTLP.");
        }
    }
}
