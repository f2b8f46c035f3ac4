using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Grains.Interfaces.Wire;

/// <summary>
/// The body of <c>POST /internal/predict</c>: the items the API keyed for one silo. Binary, little-endian:
/// <code>
/// 'P' version  model-id-length:u8  model-id:UTF-8  count:u32
/// count × ( key:32 bytes (SHA-256, as PredictionKey.WriteTo)  text-length:u32  text:UTF-8 )
/// </code>
/// The silo recomputes nothing: keys travel as the API computed them (the call is authenticated by the cluster key).
/// </summary>
public static class PredictionRequestCodec
{
    private const byte Magic = (byte)'P';

    // Magic, version, model id length.
    private const int HeaderBytes = 3;

    // Key and text length: what an item takes besides its text (and so at least, for an empty text).
    private const int ItemPrefixBytes = PredictionKey.Size + sizeof(uint);

    // Texts up to this many chars are encoded straight into the writer's span, sized by the cheap upper
    // bound of their UTF-8 length; longer ones are measured first so that no huge span is asked for.
    private const int DirectEncodeChars = 512;

    /// <summary>
    /// A size to reserve before <see cref="Write"/> so that it fits without the buffer growing: exact for ASCII
    /// texts, plus room for the span Write asks for a short text (its UTF-8 upper bound). Longer for other texts.
    /// </summary>
    public static int EstimateSize(string modelId, IReadOnlyList<PredictionItem> items)
    {
        long size = HeaderBytes + modelId.Length + sizeof(uint) + ItemPrefixBytes + Encoding.UTF8.GetMaxByteCount(DirectEncodeChars);
        for (int i = 0; i < items.Count; i++)
        {
            size += ItemPrefixBytes + (items[i].Text?.Length ?? 0);
        }
        return (int)Math.Min(size, Array.MaxLength);
    }

    /// <summary>Writes one request. Throws <see cref="ArgumentException"/> before writing anything when it could not be read back.</summary>
    public static void Write(IBufferWriter<byte> output, string modelId, IReadOnlyList<PredictionItem> items)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(modelId);
        ArgumentNullException.ThrowIfNull(items);
        int idBytes = Encoding.UTF8.GetByteCount(modelId);
        if (idBytes is 0 or > PredictionWire.MaxModelIdBytes)
        {
            throw new ArgumentException($"A model id takes 1 to {PredictionWire.MaxModelIdBytes} UTF-8 bytes; this one takes {idBytes}.", nameof(modelId));
        }
        int count = items.Count;
        if (count > PredictionWire.MaxItems)
        {
            throw new ArgumentOutOfRangeException(nameof(items), count, $"One call carries {PredictionWire.MaxItems} items at most; split the batch.");
        }
        for (int i = 0; i < count; i++)
        {
            if (items[i].Text is null)
            {
                throw new ArgumentException($"Item {i} has no text.", nameof(items));
            }
        }

        Span<byte> header = output.GetSpan(HeaderBytes + idBytes + sizeof(uint));
        header[0] = Magic;
        header[1] = PredictionWire.Version;
        header[2] = (byte)idBytes;
        Encoding.UTF8.GetBytes(modelId, header[HeaderBytes..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[(HeaderBytes + idBytes)..], (uint)count);
        output.Advance(HeaderBytes + idBytes + sizeof(uint));

        // Items are packed into the span at hand and committed when the next one does not fit.
        Span<byte> span = default;
        int position = 0;
        for (int i = 0; i < count; i++)
        {
            var item = items[i];
            string text = item.Text;
            if (text.Length <= DirectEncodeChars)
            {
                int need = ItemPrefixBytes + Encoding.UTF8.GetMaxByteCount(text.Length);
                if (span.Length - position < need)
                {
                    output.Advance(position);
                    span = output.GetSpan(need);
                    position = 0;
                }
                // Encoding.UTF8 replaces a lone surrogate with U+FFFD, as PredictionKey.Compute does: key and bytes agree.
                int textBytes = Encoding.UTF8.GetBytes(text, span[(position + ItemPrefixBytes)..]);
                item.Key.WriteTo(span[position..]);
                BinaryPrimitives.WriteUInt32LittleEndian(span[(position + PredictionKey.Size)..], (uint)textBytes);
                position += ItemPrefixBytes + textBytes;
            }
            else
            {
                output.Advance(position);
                span = default;
                position = 0;
                WriteLongItem(output, item.Key, text);
            }
        }
        output.Advance(position);
    }

    /// <summary>Reads one request; throws <see cref="WireFormatException"/> on anything malformed.</summary>
    public static PredictionItem[] Read(ReadOnlySequence<byte> input, out string modelId)
    {
        var reader = new WireReader(input, "prediction request");
        reader.ReadHeader(Magic);
        byte idBytes = reader.ReadByte("model id length");
        if (idBytes == 0)
        {
            throw reader.Malformed("the model id is empty");
        }
        modelId = reader.ReadUtf8(idBytes, "model id");

        int count = reader.ReadCount("item count", PredictionWire.MaxItems, ItemPrefixBytes);
        var items = new PredictionItem[count];
        for (int i = 0; i < items.Length; i++)
        {
            var key = reader.ReadKey(i);
            uint textBytes = reader.ReadUInt32("text length", i);
            items[i] = new PredictionItem(key, reader.ReadUtf8(textBytes, "text", i));
        }
        reader.ReadEnd();
        return items;
    }

    private static void WriteLongItem(IBufferWriter<byte> output, PredictionKey key, string text)
    {
        int textBytes = Encoding.UTF8.GetByteCount(text);
        Span<byte> prefix = output.GetSpan(ItemPrefixBytes);
        key.WriteTo(prefix);
        BinaryPrimitives.WriteUInt32LittleEndian(prefix[PredictionKey.Size..], (uint)textBytes);
        output.Advance(ItemPrefixBytes);
        // Encodes in chunks the writer hands out, so a long text never needs one contiguous span.
        long written = Encoding.UTF8.GetBytes(text, output);
        if (written != textBytes)
        {
            throw new InvalidOperationException($"UTF-8 encoder wrote {written} bytes, {textBytes} were announced.");
        }
    }
}
