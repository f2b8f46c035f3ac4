using System.Buffers;
using System.Globalization;
using System.Text;

namespace Redis.Protocol;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>, with the RESP2 request encoding
/// (an array of bulk strings) on top. Used to encode commands and as a connection's outgoing buffer.
/// Not thread-safe.
/// </summary>
internal sealed class CommandBuffer : IDisposable
{
    private const int InitialCapacity = 4096;

    // A buffer that grew past this for one large command goes back to the pool instead of staying attached.
    private const int RetainedCapacity = 64 * 1024;

    // "$" or "*", a length of up to 11 characters, CRLF.
    private const int MaxHeaderLength = 16;

    [ThreadStatic]
    private static CommandBuffer? t_scratch;

    private byte[] _buffer = [];
    private int _length;

    /// <summary>The bytes written since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    /// <summary>The bytes written since the last <see cref="Clear"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, _length);

    public int Length => _length;

    /// <summary>
    /// This thread's buffer, cleared, for encoding one command that is handed to a connection before the caller
    /// yields the thread (the connection copies it). Saves a rent/return pair per command.
    /// </summary>
    public static CommandBuffer ForCurrentThread()
    {
        var scratch = t_scratch ??= new CommandBuffer();
        scratch.Clear();
        return scratch;
    }

    /// <summary><c>*count CRLF</c>: a command of <paramref name="count"/> arguments (its name included) follows.</summary>
    public void WriteArrayHeader(int count) => WriteHeader((byte)'*', count);

    public void WriteBulkString(ReadOnlySpan<byte> value)
    {
        WriteHeader((byte)'$', value.Length);
        var span = GetSpan(value.Length + 2);
        value.CopyTo(span);
        span[value.Length] = (byte)'\r';
        span[value.Length + 1] = (byte)'\n';
        _length += value.Length + 2;
    }

    /// <summary>A string argument, UTF-8 encoded straight into the buffer.</summary>
    public void WriteBulkString(string value)
    {
        int byteCount = Encoding.UTF8.GetByteCount(value);
        WriteHeader((byte)'$', byteCount);
        var span = GetSpan(byteCount + 2);
        Encoding.UTF8.GetBytes(value, span);
        span[byteCount] = (byte)'\r';
        span[byteCount + 1] = (byte)'\n';
        _length += byteCount + 2;
    }

    /// <summary>An integer argument, as its decimal text (what Redis expects for counts, milliseconds, indexes).</summary>
    public void WriteBulkString(long value)
    {
        Span<byte> digits = stackalloc byte[20];
        value.TryFormat(digits, out int written, default, CultureInfo.InvariantCulture);
        WriteBulkString(digits[..written]);
    }

    /// <summary>Raw bytes (already encoded commands).</summary>
    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    /// <summary>Empties the buffer; a buffer that grew large for one big command is returned to the pool.</summary>
    public void Clear()
    {
        _length = 0;
        if (_buffer.Length > RetainedCapacity)
        {
            ReturnBuffer();
        }
    }

    public void Dispose()
    {
        _length = 0;
        ReturnBuffer();
    }

    private void WriteHeader(byte type, int value)
    {
        var span = GetSpan(MaxHeaderLength);
        span[0] = type;
        value.TryFormat(span[1..], out int written, default, CultureInfo.InvariantCulture);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        _length += written + 3;
    }

    private Span<byte> GetSpan(int size)
    {
        if (_buffer.Length - _length < size)
        {
            Grow(size);
        }
        return _buffer.AsSpan(_length);
    }

    private void Grow(int size)
    {
        long needed = (long)_length + size;
        int capacity = (int)Math.Min(Array.MaxLength, Math.Max(needed, Math.Max(InitialCapacity, 2L * _buffer.Length)));
        if (capacity < needed)
        {
            throw new InvalidOperationException($"A command buffer cannot hold {needed} bytes.");
        }
        var larger = ArrayPool<byte>.Shared.Rent(capacity);
        _buffer.AsSpan(0, _length).CopyTo(larger);
        ReturnBuffer();
        _buffer = larger;
    }

    private void ReturnBuffer()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = [];
    }
}
