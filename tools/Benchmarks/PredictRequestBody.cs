using System.Buffers;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Benchmarks;

/// <summary>
/// The body <c>{"text":[...]}</c> of one request of a memory stream, written straight from <see cref="UniqueTexts"/>
/// into a buffer the caller reuses for every request it sends (one request in flight per buffer), so the client
/// allocates next to nothing per text and is not what limits the stream.
/// </summary>
internal sealed class PredictRequestBody
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private static readonly JsonEncodedText TextProperty = JsonEncodedText.Encode("text");

    private readonly ArrayBufferWriter<byte> _buffer = new(16 * 1024);
    private readonly Utf8JsonWriter _writer;

    public PredictRequestBody() => _writer = new Utf8JsonWriter(_buffer);

    /// <summary>The body of texts <paramref name="from"/> .. <paramref name="from"/> + <paramref name="count"/> - 1; valid until the next call.</summary>
    public HttpContent Write(long from, int count)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        _writer.WriteStartObject();
        _writer.WriteStartArray(TextProperty);
        Span<char> text = stackalloc char[UniqueTexts.MaxLength];
        for (long i = from; i < from + count; i++)
        {
            _writer.WriteStringValue(text[..UniqueTexts.Format(i, text)]);
        }
        _writer.WriteEndArray();
        _writer.WriteEndObject();
        _writer.Flush();
        var content = new ReadOnlyMemoryContent(_buffer.WrittenMemory);
        content.Headers.ContentType = Json;
        return content;
    }
}
