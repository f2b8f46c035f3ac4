using System.Buffers;
using System.Net;

namespace LoadRunner.Workload;

/// <summary>
/// An already-encoded JSON body as request content. Unlike ByteArrayContent it owns a rented buffer and returns it
/// to the pool when the request is disposed (after its answer was read, so the bytes are no longer needed).
/// </summary>
internal sealed class JsonBodyContent : HttpContent
{
    private readonly RequestBody _body;
    private bool _returned;

    public JsonBodyContent(RequestBody body)
    {
        _body = body;
        // Unvalidated: the value is a constant, and parsing it into a MediaTypeHeaderValue per request is waste.
        Headers.TryAddWithoutValidation("Content-Type", "application/json");
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        stream.WriteAsync(_body.Buffer, 0, _body.Length);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.WriteAsync(_body.Buffer, 0, _body.Length, cancellationToken);

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        stream.Write(_body.Buffer, 0, _body.Length);

    protected override bool TryComputeLength(out long length)
    {
        length = _body.Length;
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _body.Rented && !_returned)
        {
            _returned = true;
            ArrayPool<byte>.Shared.Return(_body.Buffer);
        }
        base.Dispose(disposing);
    }
}
