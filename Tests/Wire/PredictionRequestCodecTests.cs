using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Api.Routing;
using Grains.Interfaces;
using Grains.Interfaces.Wire;
using Tests.Infrastructure;
using static Tests.Wire.WireMessages;

namespace Tests.Wire;

public sealed class PredictionRequestCodecTests
{
    // Offsets in a message for ModelId (64 bytes): magic, version, id length, id, count, then the first item.
    private const int CountOffset = 3 + 64;
    private const int FirstItemOffset = CountOffset + 4;
    private const int FirstTextLengthOffset = FirstItemOffset + PredictionKey.Size;
    private const int FirstTextOffset = FirstTextLengthOffset + 4;

    public static TheoryData<string, string[]> Batches => new()
    {
        { "no items", [] },
        { "one item", ["I love you."] },
        { "empty text", [""] },
        { "unicode and emoji", ["héllo wörld", "日本語のテキスト", "😀👍🏽 family: 👨‍👩‍👧‍👦", "\u0000 control \u001f", "mixed ascii 😀 and more ascii"] },
        { "10k-char ASCII text", [new string('a', 10_000)] },
        { "10k-char emoji text (long-text path)", [string.Concat(Enumerable.Repeat("😀", 5_000))] },
        { "texts around the direct-encoding bound", [new string('x', 511), new string('é', 512), new string('z', 513), "short"] },
        { "many SST-2 sentences", Sst2.DevSentences.Take(500).ToArray() },
    };

    [Theory]
    [MemberData(nameof(Batches))]
    public void RoundTrip_ReadsBackModelIdKeysAndTextsInOrder(string name, string[] texts)
    {
        var items = Items(texts);

        var read = ReadRequest(Request(items), out string modelId);

        Assert.True(items.SequenceEqual(read), name);
        Assert.Equal(ModelId, modelId);
    }

    [Theory]
    [MemberData(nameof(Batches))]
    public void RoundTrip_AcrossSegmentBoundaries_ReadsTheSame(string name, string[] texts)
    {
        var items = Items(texts);
        byte[] message = Request(items);

        foreach (int size in new[] { 1, 3, 7, 33, 4096 })
        {
            var read = PredictionRequestCodec.Read(Segments.Split(message, size), out string modelId);
            Assert.True(items.SequenceEqual(read), $"{name}, segments of {size}");
            Assert.Equal(ModelId, modelId);
        }
    }

    [Fact]
    public async Task Write_IntoThePooledRequestBody_SameBytesAsArrayBufferWriter()
    {
        var items = Items([.. Sst2.DevSentences.Take(50), string.Concat(Enumerable.Repeat("日本", 3_000)), "😀"]);
        using var content = new SiloClientRequestContent(16); // far too small: exercises growth

        PredictionRequestCodec.Write(content, ModelId, items);

        byte[] sent = await content.ReadAsByteArrayAsync();
        Assert.Equal(Request(items), sent);
        Assert.Equal(sent.Length, content.Headers.ContentLength);
        Assert.Equal(PredictionWire.ContentType, content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void EstimateSize_AsciiBatch_WriteFitsWithoutGrowing()
    {
        var items = Items([.. Sst2.DevSentences.Take(200)]);
        int estimate = PredictionRequestCodec.EstimateSize(ModelId, items);

        int written = Request(items).Length;

        Assert.InRange(written, 1, estimate);
    }

    [Fact]
    public void RoundTrip_LoneSurrogate_TravelsAsReplacementCharacterThatKeepsTheKey()
    {
        // The API keys a lone surrogate as U+FFFD (Encoding.UTF8 replaces it), and the wire carries the same bytes.
        var item = Item("broken \uD800 surrogate");

        var read = ReadRequest(Request([item]), out _)[0];

        Assert.Equal("broken \uFFFD surrogate", read.Text);
        Assert.Equal(item.Key, read.Key);
        Assert.Equal(item.Key, PredictionKey.Compute(ModelId, read.Text));
    }

    [Fact]
    public void RoundTrip_KeysTravelAsGivenAndAreNotRecomputed()
    {
        var item = new PredictionItem(PredictionKey.Compute("another model", "text"), "text");

        var read = ReadRequest(Request([item]), out _)[0];

        Assert.Equal(item.Key, read.Key);
    }

    [Fact]
    public void Read_TruncatedAtEveryOffset_ThrowsWireFormatException()
    {
        byte[] message = Request(Items("first", "", "😀 second", new string('é', 600)));

        for (int length = 0; length < message.Length; length++)
        {
            AssertMalformed(message.AsSpan(0, length).ToArray());
        }
    }

    [Fact]
    public void Read_TruncatedAtEveryOffset_AcrossSegments_ThrowsWireFormatException()
    {
        byte[] message = Request(Items("first", "😀 second", new string('é', 600)));

        for (int length = 0; length < message.Length; length++)
        {
            var truncated = Segments.Split(message.AsMemory(0, length), 5);
            Assert.Throws<WireFormatException>(() => PredictionRequestCodec.Read(truncated, out _));
        }
    }

    [Theory]
    [InlineData(0, (byte)'R', "magic")]
    [InlineData(0, (byte)'{', "magic")]
    [InlineData(1, 0, "version")]
    [InlineData(1, 2, "version")]
    [InlineData(2, 0, "model id")]
    public void Read_BadHeader_ThrowsWireFormatExceptionNamingIt(int offset, byte value, string expected)
    {
        byte[] message = Request(Items("text"));
        message[offset] = value;

        var e = AssertMalformed(message);

        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData(uint.MaxValue)]
    [InlineData(0x8000_0000u)]
    [InlineData(PredictionWire.MaxItems + 1u)]
    [InlineData(1000u)]
    [InlineData(2u)]
    public void Read_ItemCountBeyondLimitOrData_ThrowsWireFormatException(uint count)
    {
        byte[] message = Request(Items("only one item"));
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(CountOffset), count);

        var e = AssertMalformed(message);

        Assert.Contains("item", e.Message);
    }

    [Theory]
    [InlineData(uint.MaxValue)]
    [InlineData(0x8000_0000u)]
    [InlineData(0x7FFF_FFFFu)]
    [InlineData(5u)]
    public void Read_TextLengthBeyondData_ThrowsWireFormatException(uint length)
    {
        byte[] message = Request(Items("four"));
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(FirstTextLengthOffset), length);

        var e = AssertMalformed(message);

        Assert.Contains("text", e.Message);
    }

    [Fact]
    public void Read_TextLengthShorterThanText_ThrowsOnTrailingBytes()
    {
        byte[] message = Request(Items("four"));
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(FirstTextLengthOffset), 3);

        AssertMalformed(message);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0xC0, 0x80 })]             // overlong NUL
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // a UTF-16 surrogate encoded as UTF-8
    [InlineData(new byte[] { 0xE2, 0x82 })]             // a 3-byte sequence cut short
    [InlineData(new byte[] { 0x80 })]                   // a lone continuation byte
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    public void Read_InvalidUtf8Text_ThrowsWireFormatException(byte[] invalid)
    {
        byte[] valid = Request(Items("ab"));
        byte[] message = [.. valid.AsSpan(0, FirstTextLengthOffset), .. new byte[4], .. "ab"u8, .. invalid];
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(FirstTextLengthOffset), (uint)(2 + invalid.Length));

        var e = AssertMalformed(message);

        Assert.Contains("UTF-8", e.Message);
        // The same bytes split across segments take the joining path: same answer.
        Assert.Throws<WireFormatException>(() => PredictionRequestCodec.Read(Segments.Split(message, 3), out _));
    }

    [Fact]
    public void Read_InvalidUtf8ModelId_ThrowsWireFormatException()
    {
        byte[] message = Request(Items("text"));
        message[3] = 0xFF;

        var e = AssertMalformed(message);

        Assert.Contains("model id", e.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    public void Read_TrailingBytes_ThrowsWireFormatException(int extra)
    {
        byte[] message = [.. Request(Items("text", "more")), .. new byte[extra]];

        var e = AssertMalformed(message);

        Assert.Contains("trailing", e.Message);
    }

    [Fact]
    public void Read_ResponseMessage_ThrowsWireFormatException()
    {
        byte[] response = Response(new PredictionResult(PredictionStatus.Ok, [0.25f, 0.75f], PredictionSource.Memory));

        AssertMalformed(response);
    }

    [Fact]
    public void Read_RandomCorruption_ThrowsNothingButWireFormatException()
    {
        byte[] valid = Request(Items("first", "", "😀 second", new string('é', 40), "last"));
        var random = new Random(20_240_531);

        for (int round = 0; round < 5_000; round++)
        {
            byte[] message = (byte[])valid.Clone();
            int flips = random.Next(1, 4);
            for (int f = 0; f < flips; f++)
            {
                message[random.Next(message.Length)] = (byte)random.Next(256);
            }
            try
            {
                PredictionRequestCodec.Read(Segments.Split(message, random.Next(1, message.Length + 1)), out _);
            }
            catch (WireFormatException)
            {
                // refused, as it should be when the corruption shows
            }
        }
    }

    [Fact]
    public void Read_RandomGarbage_ThrowsWireFormatException()
    {
        var random = new Random(7);
        for (int round = 0; round < 2_000; round++)
        {
            byte[] garbage = new byte[random.Next(0, 200)];
            random.NextBytes(garbage);
            if (garbage.Length > 1 && round % 2 == 0)
            {
                garbage[0] = (byte)'P'; // get past the magic byte half of the time
                garbage[1] = PredictionWire.Version;
            }
            Assert.Throws<WireFormatException>(() => PredictionRequestCodec.Read(new ReadOnlySequence<byte>(garbage), out _));
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(PredictionWire.MaxModelIdBytes + 1)]
    public void Write_ModelIdOutOfRange_ThrowsArgumentException(int length)
    {
        Assert.Throws<ArgumentException>(() => PredictionRequestCodec.Write(new ArrayBufferWriter<byte>(), new string('a', length), Items("text")));
    }

    [Fact]
    public void Write_ItemWithoutText_ThrowsArgumentExceptionAndWritesNothing()
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentException>(() => PredictionRequestCodec.Write(output, ModelId, [Item("fine"), default]));

        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void PredictionKey_Read_IsTheInverseOfWriteTo()
    {
        var key = PredictionKey.Compute(ModelId, "text");
        Span<byte> digest = stackalloc byte[PredictionKey.Size];
        key.WriteTo(digest);

        Assert.Equal(key, PredictionKey.Read(digest));
        Assert.Throws<ArgumentException>(() => PredictionKey.Read(new byte[PredictionKey.Size - 1]));
        Assert.Throws<ArgumentException>(() => PredictionKey.Read(new byte[PredictionKey.Size + 1]));
    }

    [Fact]
    public void Write_ModelIdMatchesOffsetsUsedByTheseTests()
    {
        byte[] message = Request(Items("four"));

        Assert.Equal(64, message[2]);
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(CountOffset)));
        Assert.Equal(4u, BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(FirstTextLengthOffset)));
        Assert.Equal("four", Encoding.UTF8.GetString(message.AsSpan(FirstTextOffset)));
    }

    private static WireFormatException AssertMalformed(byte[] message) =>
        Assert.Throws<WireFormatException>(() => PredictionRequestCodec.Read(new ReadOnlySequence<byte>(message), out _));
}
