using System.Buffers;
using System.Buffers.Binary;
using Grains.Interfaces;
using Grains.Interfaces.Wire;
using static Tests.Wire.WireMessages;

namespace Tests.Wire;

public sealed class PredictionResponseCodecTests
{
    // Magic, version, count, then the first result's status and source, then (Ok) its score count.
    private const int CountOffset = 2;
    private const int FirstStatusOffset = 6;
    private const int FirstScoreCountOffset = 8;

    private static PredictionResult Ok(PredictionSource source, params float[] scores) => new(PredictionStatus.Ok, scores, source);

    public static TheoryData<string, PredictionResult[]> Answers => new()
    {
        { "no results", [] },
        { "one result", [Ok(PredictionSource.Inference, 0.24988f, 0.75012f)] },
        { "every status and source", [
            Ok(PredictionSource.Memory, 0.1f, 0.9f),
            Ok(PredictionSource.Storage, 0.2f, 0.8f),
            Ok(PredictionSource.Inference, 0.3f, 0.7f),
            new(PredictionStatus.Overloaded, null, PredictionSource.Memory),
            new(PredictionStatus.Overloaded, null, PredictionSource.Storage),
            PredictionResult.Overloaded] },
        { "floats that must survive bit for bit", [Ok(PredictionSource.Memory, -0f, float.Epsilon, float.NaN, BitConverter.Int32BitsToSingle(0x7FC0_1234), float.PositiveInfinity, float.MaxValue, 1e-30f)] },
        { "one label, many labels", [Ok(PredictionSource.Memory, 1f), Ok(PredictionSource.Memory, Enumerable.Range(0, 1000).Select(i => i / 1000f).ToArray())] },
        { "many results", Enumerable.Range(0, 5_000).Select(i => i % 97 == 0 ? PredictionResult.Overloaded : Ok((PredictionSource)(i % 3), i / 5000f, 1 - i / 5000f)).ToArray() },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public void RoundTrip_ReadsBackEveryResultInOrder(string name, PredictionResult[] results)
    {
        var read = ReadResponse(Response(results));

        AssertSame(results, read);
        Assert.NotNull(name);
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public void RoundTrip_AcrossSegmentBoundaries_ReadsTheSame(string name, PredictionResult[] results)
    {
        byte[] message = Response(results);

        foreach (int size in new[] { 1, 3, 7, 4096 })
        {
            AssertSame(results, PredictionResponseCodec.Read(Segments.Split(message, size)));
        }
        Assert.NotNull(name);
    }

    [Fact]
    public void Write_OverloadedWithScores_SendsNoScores()
    {
        var read = ReadResponse(Response(new PredictionResult(PredictionStatus.Overloaded, [0.5f, 0.5f], PredictionSource.Inference)));

        Assert.Null(read[0].Scores);
    }

    [Fact]
    public void Write_ToASmallSpanWriter_SameBytes()
    {
        var results = Enumerable.Range(0, 300).Select(i => Ok(PredictionSource.Memory, i, -i)).ToArray();
        var output = new ArrayBufferWriter<byte>(1);

        PredictionResponseCodec.Write(output, results);

        Assert.Equal(Response(results), output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Read_TruncatedAtEveryOffset_ThrowsWireFormatException()
    {
        byte[] message = Response(Ok(PredictionSource.Memory, 0.25f, 0.75f), PredictionResult.Overloaded, Ok(PredictionSource.Inference, 1f, 0f, 0.5f));

        for (int length = 0; length < message.Length; length++)
        {
            AssertMalformed(message.AsSpan(0, length).ToArray());
            Assert.Throws<WireFormatException>(() => PredictionResponseCodec.Read(Segments.Split(message.AsMemory(0, length), 3)));
        }
    }

    [Theory]
    [InlineData(0, (byte)'P', "magic")]
    [InlineData(1, 0, "version")]
    [InlineData(1, 9, "version")]
    [InlineData(FirstStatusOffset, 2, "status")]
    [InlineData(FirstStatusOffset, 255, "status")]
    [InlineData(FirstStatusOffset + 1, 3, "source")]
    [InlineData(FirstStatusOffset + 1, 200, "source")]
    public void Read_BadByte_ThrowsWireFormatExceptionNamingIt(int offset, byte value, string expected)
    {
        byte[] message = Response(Ok(PredictionSource.Memory, 0.25f, 0.75f));
        message[offset] = value;

        var e = AssertMalformed(message);

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Read_OkWithoutScores_ThrowsWireFormatException()
    {
        byte[] message = [.. Response(Ok(PredictionSource.Memory, 0.25f)).AsSpan(0, FirstScoreCountOffset), 0, 0];

        var e = AssertMalformed(message);

        Assert.Contains("without scores", e.Message);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(ushort.MaxValue)]
    public void Read_ScoreCountBeyondData_ThrowsWireFormatException(int count)
    {
        byte[] message = Response(Ok(PredictionSource.Memory, 0.25f, 0.75f));
        BinaryPrimitives.WriteUInt16LittleEndian(message.AsSpan(FirstScoreCountOffset), (ushort)count);

        AssertMalformed(message);
    }

    [Theory]
    [InlineData(uint.MaxValue)]
    [InlineData(PredictionWire.MaxItems + 1u)]
    [InlineData(2u)]
    public void Read_ResultCountBeyondLimitOrData_ThrowsWireFormatException(uint count)
    {
        byte[] message = Response(PredictionResult.Overloaded);
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(CountOffset), count);

        var e = AssertMalformed(message);

        Assert.Contains("result count", e.Message);
    }

    [Fact]
    public void Read_TrailingBytes_ThrowsWireFormatException()
    {
        byte[] message = [.. Response(Ok(PredictionSource.Memory, 0.25f, 0.75f)), 0];

        var e = AssertMalformed(message);

        Assert.Contains("trailing", e.Message);
    }

    [Fact]
    public void Read_RequestMessage_ThrowsWireFormatException()
    {
        AssertMalformed(Request(Items("a text")));
    }

    [Fact]
    public void Read_RandomCorruption_ThrowsNothingButWireFormatException()
    {
        byte[] valid = Response(Ok(PredictionSource.Memory, 0.25f, 0.75f), PredictionResult.Overloaded, Ok(PredictionSource.Storage, 0.5f, 0.5f));
        var random = new Random(31);

        for (int round = 0; round < 5_000; round++)
        {
            byte[] message = (byte[])valid.Clone();
            message[random.Next(message.Length)] = (byte)random.Next(256);
            if (round % 3 == 0)
            {
                message = message.AsSpan(0, random.Next(message.Length + 1)).ToArray();
            }
            try
            {
                PredictionResponseCodec.Read(Segments.Split(message, random.Next(1, message.Length + 2)));
            }
            catch (WireFormatException)
            {
                // refused, as it should be when the corruption shows
            }
        }
    }

    [Fact]
    public void Write_OkWithoutScores_ThrowsArgumentExceptionAndWritesNothing()
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentException>(() => PredictionResponseCodec.Write(output, [Ok(PredictionSource.Memory, 1f), new(PredictionStatus.Ok, null, PredictionSource.Memory)]));
        Assert.Throws<ArgumentException>(() => PredictionResponseCodec.Write(output, [Ok(PredictionSource.Memory)]));

        Assert.Equal(0, output.WrittenCount);
    }

    [Fact]
    public void Write_UnknownStatusOrSource_ThrowsArgumentException()
    {
        var output = new ArrayBufferWriter<byte>();

        Assert.Throws<ArgumentException>(() => PredictionResponseCodec.Write(output, [new((PredictionStatus)7, null, PredictionSource.Memory)]));
        Assert.Throws<ArgumentException>(() => PredictionResponseCodec.Write(output, [new(PredictionStatus.Overloaded, null, (PredictionSource)9)]));
    }

    private static WireFormatException AssertMalformed(byte[] message) =>
        Assert.Throws<WireFormatException>(() => PredictionResponseCodec.Read(new ReadOnlySequence<byte>(message)));
}
