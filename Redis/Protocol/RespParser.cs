using System.Buffers.Text;
using System.Text;

namespace Redis.Protocol;

/// <summary>
/// A resumable RESP2 reply parser. Bytes arrive in whatever pieces TCP delivers; <see cref="TryRead"/> consumes
/// as much of the given data as it can and keeps its place (open arrays, a half-received bulk string) between
/// calls, so nothing is parsed twice and a large value is copied once, straight into its final array.
/// The only bytes it leaves unconsumed are an incomplete line (a type byte up to CRLF), which the caller keeps
/// and presents again with more data behind it. Not thread-safe: one parser per connection's reader.
/// </summary>
internal sealed class RespParser
{
    /// <summary>Redis' own limit (proto-max-bulk-len defaults to 512 MB).</summary>
    public const int MaxBulkLength = 512 * 1024 * 1024;

    /// <summary>Elements per array; more is taken as a corrupt stream rather than allocated.</summary>
    public const int MaxArrayLength = 1 << 24;

    /// <summary>Array nesting; Redis' own replies are at most a few levels deep.</summary>
    public const int MaxDepth = 64;

    private const byte CarriageReturn = (byte)'\r';
    private const byte LineFeed = (byte)'\n';

    // Frequent simple strings, so that SET and PING replies allocate nothing.
    private const string Ok = "OK";
    private const string Pong = "PONG";

    private readonly ArrayFrame[] _frames = new ArrayFrame[MaxDepth];
    private int _depth;

    // The bulk string being received, and how many of its bytes plus the trailing CRLF have arrived.
    private byte[]? _bulk;
    private int _bulkReceived;

    /// <summary>True while a reply has begun but not ended (tests, diagnostics).</summary>
    public bool InReply => _depth > 0 || _bulk is not null;

    /// <summary>
    /// Parses from <paramref name="data"/> until one complete top-level reply has been read (returns true) or the
    /// data runs out (returns false). <paramref name="consumed"/> bytes of <paramref name="data"/> were used in
    /// either case; call again with the rest (plus new data) to continue.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes are not RESP2; the stream cannot be trusted any further.</exception>
    public bool TryRead(ReadOnlySpan<byte> data, out int consumed, out RespValue reply)
    {
        int position = 0;
        while (true)
        {
            RespValue value;
            if (_bulk is not null)
            {
                if (!ContinueBulk(data, ref position))
                {
                    break;
                }
                value = RespValue.BulkString(_bulk);
                _bulk = null;
            }
            else
            {
                int lineLength = data[position..].IndexOf(LineFeed);
                if (lineLength < 0)
                {
                    break;
                }
                var line = data.Slice(position, lineLength);
                position += lineLength + 1;
                if (!TryParseLine(line, out value))
                {
                    // An array or bulk string header: its content follows.
                    continue;
                }
            }

            // Place the finished value into the innermost open array, closing every array it completes.
            while (true)
            {
                if (_depth == 0)
                {
                    consumed = position;
                    reply = value;
                    return true;
                }
                ref var frame = ref _frames[_depth - 1];
                frame.Items[frame.Count++] = value;
                if (frame.Count < frame.Items.Length)
                {
                    break;
                }
                value = RespValue.Array(frame.Items);
                frame = default;
                _depth--;
            }
        }
        consumed = position;
        reply = default;
        return false;
    }

    /// <summary>Forgets any partial reply (the connection it belonged to is gone).</summary>
    public void Reset()
    {
        System.Array.Clear(_frames, 0, _depth);
        _depth = 0;
        _bulk = null;
        _bulkReceived = 0;
    }

    /// <summary>
    /// Reads one line (without its LF). Returns true with a complete value, false after opening an array or a
    /// bulk string whose content comes next.
    /// </summary>
    private bool TryParseLine(ReadOnlySpan<byte> line, out RespValue value)
    {
        if (line.Length < 2 || line[^1] != CarriageReturn)
        {
            throw Violation(line.IsEmpty ? "an empty line" : "a line not ended by CRLF");
        }
        var content = line[1..^1];
        switch (line[0])
        {
            case (byte)'+':
                value = RespValue.SimpleString(DecodeSimpleString(content));
                return true;
            case (byte)'-':
                value = RespValue.Error(Encoding.UTF8.GetString(content));
                return true;
            case (byte)':':
                value = RespValue.FromInteger(ParseInteger(content));
                return true;
            case (byte)'$':
                long length = ParseInteger(content);
                if (length == -1)
                {
                    value = RespValue.BulkString(null);
                    return true;
                }
                if (length is < 0 or > MaxBulkLength)
                {
                    throw Violation($"a bulk string length of {length}");
                }
                // Uninitialized: every byte is about to be overwritten by the payload.
                _bulk = length == 0 ? [] : GC.AllocateUninitializedArray<byte>((int)length);
                _bulkReceived = 0;
                value = default;
                return false;
            case (byte)'*':
                long count = ParseInteger(content);
                if (count == -1)
                {
                    value = RespValue.Array(null);
                    return true;
                }
                if (count == 0)
                {
                    value = RespValue.Array([]);
                    return true;
                }
                if (count is < 0 or > MaxArrayLength)
                {
                    throw Violation($"an array length of {count}");
                }
                if (_depth == MaxDepth)
                {
                    throw Violation($"arrays nested deeper than {MaxDepth}");
                }
                _frames[_depth++] = new ArrayFrame(new RespValue[count]);
                value = default;
                return false;
            default:
                throw Violation($"the type byte 0x{line[0]:x2}");
        }
    }

    /// <summary>Copies what has arrived of the current bulk string; true once it and its CRLF are complete.</summary>
    private bool ContinueBulk(ReadOnlySpan<byte> data, ref int position)
    {
        var bulk = _bulk!;
        if (_bulkReceived < bulk.Length)
        {
            int count = Math.Min(bulk.Length - _bulkReceived, data.Length - position);
            data.Slice(position, count).CopyTo(bulk.AsSpan(_bulkReceived));
            position += count;
            _bulkReceived += count;
        }
        // The terminator may itself be split across reads: check it byte by byte.
        while (_bulkReceived < bulk.Length + 2 && position < data.Length)
        {
            byte expected = _bulkReceived == bulk.Length ? CarriageReturn : LineFeed;
            if (data[position] != expected)
            {
                throw Violation("a bulk string not followed by CRLF");
            }
            position++;
            _bulkReceived++;
        }
        return _bulkReceived == bulk.Length + 2;
    }

    private static string DecodeSimpleString(ReadOnlySpan<byte> content)
    {
        if (content.SequenceEqual("OK"u8))
        {
            return Ok;
        }
        if (content.SequenceEqual("PONG"u8))
        {
            return Pong;
        }
        return Encoding.UTF8.GetString(content);
    }

    private static long ParseInteger(ReadOnlySpan<byte> content)
    {
        if (!Utf8Parser.TryParse(content, out long value, out int used) || used != content.Length)
        {
            throw Violation($"the integer \"{Encoding.ASCII.GetString(content[..Math.Min(content.Length, 32)])}\"");
        }
        return value;
    }

    private static InvalidDataException Violation(string what) => new($"RESP protocol violation: {what}.");

    /// <summary>An array being filled: its elements and how many have been read.</summary>
    private struct ArrayFrame(RespValue[] items)
    {
        public readonly RespValue[] Items = items;
        public int Count;
    }
}
