using System.Buffers;
using Grains.Interfaces;
using Grains.Interfaces.Wire;

namespace Tests.Wire;

/// <summary>Valid messages and comparisons shared by the codec tests.</summary>
internal static class WireMessages
{
    public const string ModelId = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    public static PredictionItem Item(string text) => new(PredictionKey.Compute(ModelId, text), text);

    public static PredictionItem[] Items(params string[] texts) => texts.Select(Item).ToArray();

    public static byte[] Request(IReadOnlyList<PredictionItem> items, string modelId = ModelId)
    {
        var output = new ArrayBufferWriter<byte>();
        PredictionRequestCodec.Write(output, modelId, items);
        return output.WrittenSpan.ToArray();
    }

    public static byte[] Response(params PredictionResult[] results)
    {
        var output = new ArrayBufferWriter<byte>();
        PredictionResponseCodec.Write(output, results);
        return output.WrittenSpan.ToArray();
    }

    public static PredictionItem[] ReadRequest(byte[] message, out string modelId) =>
        PredictionRequestCodec.Read(new ReadOnlySequence<byte>(message), out modelId);

    public static PredictionResult[] ReadResponse(byte[] message) =>
        PredictionResponseCodec.Read(new ReadOnlySequence<byte>(message));

    /// <summary>Same status, source and scores bit for bit (NaN payloads and -0 included).</summary>
    public static void AssertSame(IReadOnlyList<PredictionResult> expected, IReadOnlyList<PredictionResult> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Status, actual[i].Status);
            Assert.Equal(expected[i].Source, actual[i].Source);
            if (expected[i].Status != PredictionStatus.Ok)
            {
                Assert.Null(actual[i].Scores);
                continue;
            }
            Assert.Equal(Bits(expected[i].Scores!), Bits(actual[i].Scores!));
        }
    }

    public static int[] Bits(float[] scores) => scores.Select(BitConverter.SingleToInt32Bits).ToArray();
}
