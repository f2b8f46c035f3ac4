using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Grains.Interfaces.Wire;

/// <summary>
/// The body of a 200 answer to <c>POST /internal/predict</c>: one result per request item, in item order.
/// Binary, little-endian:
/// <code>
/// 'R' version  count:u32
/// count × ( status:u8  source:u8  [status Ok: score-count:u16  score-count × float32] )
/// </code>
/// Scores travel bit for bit (no rounding), so a prediction is the same whichever silo answered.
/// </summary>
public static class PredictionResponseCodec
{
    private const byte Magic = (byte)'R';

    // Magic, version, count.
    private const int HeaderBytes = 2 + sizeof(uint);

    // Status and source: what every result takes.
    private const int ResultPrefixBytes = 2;

    /// <summary>Scores per result at most (the score count is a u16).</summary>
    public const int MaxScores = ushort.MaxValue;

    /// <summary>Writes one response. Throws <see cref="ArgumentException"/> before writing anything when it could not be read back.</summary>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<PredictionResult> results)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (results.Length > PredictionWire.MaxItems)
        {
            throw new ArgumentOutOfRangeException(nameof(results), results.Length, $"One answer carries {PredictionWire.MaxItems} results at most.");
        }
        for (int i = 0; i < results.Length; i++)
        {
            Validate(results[i], i);
        }

        Span<byte> header = output.GetSpan(HeaderBytes);
        header[0] = Magic;
        header[1] = PredictionWire.Version;
        BinaryPrimitives.WriteUInt32LittleEndian(header[2..], (uint)results.Length);
        output.Advance(HeaderBytes);

        // Results are packed into the span at hand and committed when the next one does not fit.
        Span<byte> span = default;
        int position = 0;
        foreach (var result in results)
        {
            float[]? scores = result.Status == PredictionStatus.Ok ? result.Scores : null;
            int need = ResultPrefixBytes + (scores is null ? 0 : sizeof(ushort) + scores.Length * sizeof(float));
            if (span.Length - position < need)
            {
                output.Advance(position);
                span = output.GetSpan(need);
                position = 0;
            }
            span[position] = (byte)result.Status;
            span[position + 1] = (byte)result.Source;
            position += ResultPrefixBytes;
            if (scores is not null)
            {
                BinaryPrimitives.WriteUInt16LittleEndian(span[position..], (ushort)scores.Length);
                position += sizeof(ushort);
                WriteSingles(scores, span.Slice(position, scores.Length * sizeof(float)));
                position += scores.Length * sizeof(float);
            }
        }
        output.Advance(position);
    }

    /// <summary>Reads one response; throws <see cref="WireFormatException"/> on anything malformed.</summary>
    public static PredictionResult[] Read(ReadOnlySequence<byte> input)
    {
        var reader = new WireReader(input, "prediction response");
        reader.ReadHeader(Magic);
        int count = reader.ReadCount("result count", PredictionWire.MaxItems, ResultPrefixBytes);
        var results = new PredictionResult[count];
        for (int i = 0; i < results.Length; i++)
        {
            byte status = reader.ReadByte("status", i);
            byte source = reader.ReadByte("source", i);
            if (!Enum.IsDefined((PredictionStatus)status))
            {
                throw reader.Malformed($"item {i}'s status {status} is unknown");
            }
            if (!Enum.IsDefined((PredictionSource)source))
            {
                throw reader.Malformed($"item {i}'s source {source} is unknown");
            }

            float[]? scores = null;
            if ((PredictionStatus)status == PredictionStatus.Ok)
            {
                ushort scoreCount = reader.ReadUInt16("score count", i);
                if (scoreCount == 0)
                {
                    throw reader.Malformed($"item {i} is Ok without scores");
                }
                scores = new float[scoreCount];
                reader.ReadSingles(scores, "scores", i);
            }
            results[i] = new PredictionResult((PredictionStatus)status, scores, (PredictionSource)source);
        }
        reader.ReadEnd();
        return results;
    }

    private static void Validate(in PredictionResult result, int index)
    {
        if (!Enum.IsDefined(result.Status) || !Enum.IsDefined(result.Source))
        {
            throw new ArgumentException($"Result {index} has status {result.Status} and source {result.Source}: the format does not know one of them.", "results");
        }
        if (result.Status == PredictionStatus.Ok && result.Scores is not { Length: > 0 and <= MaxScores })
        {
            throw new ArgumentException($"Result {index} is Ok, so it needs 1 to {MaxScores} scores.", "results");
        }
    }

    private static void WriteSingles(float[] scores, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(scores.AsSpan()).CopyTo(destination);
            return;
        }
        for (int i = 0; i < scores.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(destination[(i * sizeof(float))..], scores[i]);
        }
    }
}
