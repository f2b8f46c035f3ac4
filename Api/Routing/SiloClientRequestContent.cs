using System.Buffers;
using System.Net;
using Grains.Interfaces.Wire;

namespace Api.Routing;

/// <summary>
/// A request body written once into a buffer rented from the array pool (it is the <see cref="IBufferWriter{T}"/>
/// the codec writes to) and sent from there: no second copy, no per-call array. The buffer goes back to the
/// pool when the content is disposed and no send is still reading it.
/// </summary>
internal sealed class SiloClientRequestContent : HttpContent, IBufferWriter<byte>
{
    private byte[] _buffer;
    private int _length;
    // One reference held by the owner (until Dispose), one more while a send runs: SocketsHttpHandler can still be
    // sending when an early answer (401, 413) has arrived and the caller disposes, and it may send the body again
    // on a new connection when a stream is refused. The buffer returns to the pool when the count reaches zero.
    private int _references = 1;
    private int _disposed;

    public SiloClientRequestContent(int capacity)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, 256));
        Headers.TryAddWithoutValidation("Content-Type", PredictionWire.ContentType);
    }

    /// <summary>Bytes written so far.</summary>
    public int Length => _length;

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _buffer.Length - _length)
        {
            throw new InvalidOperationException($"Cannot advance {count} bytes past the {_buffer.Length - _length} available.");
        }
        _length += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsMemory(_length);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureFree(sizeHint);
        return _buffer.AsSpan(_length);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        AddReference();
        try
        {
            await stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            RemoveReference();
        }
    }

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        AddReference();
        try
        {
            stream.Write(_buffer, 0, _length);
        }
        finally
        {
            RemoveReference();
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            RemoveReference();
        }
        base.Dispose(disposing);
    }

    private void EnsureFree(int sizeHint)
    {
        int need = Math.Max(sizeHint, 1);
        if (_buffer.Length - _length >= need)
        {
            return;
        }
        // Growing copies what is written: the codec's size estimate makes this rare.
        long size = Math.Max((long)_length + need, 2L * _buffer.Length);
        var bigger = ArrayPool<byte>.Shared.Rent((int)Math.Min(size, Array.MaxLength));
        if (bigger.Length - _length < need)
        {
            ArrayPool<byte>.Shared.Return(bigger);
            throw new InsufficientMemoryException($"A request body cannot grow past {Array.MaxLength} bytes.");
        }
        _buffer.AsSpan(0, _length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private void AddReference()
    {
        int current;
        do
        {
            current = Volatile.Read(ref _references);
            ObjectDisposedException.ThrowIf(current == 0, this);
        }
        while (Interlocked.CompareExchange(ref _references, current + 1, current) != current);
    }

    private void RemoveReference()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
