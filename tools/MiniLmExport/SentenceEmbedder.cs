using System.Diagnostics;
using System.Text.Json;
using PredictionCluster.Inference.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace MiniLmExport;

/// <summary>
/// Runs an encoder graph (inputs input_ids, attention_mask, token_type_ids as zeros; first output [batch, dim])
/// over the sentences of an SST-2 TSV with the official ONNX Runtime, tokenized by the service's own tokenizer.
/// Batches are padded, so rows are computed as the service computes them.
/// </summary>
public static class SentenceEmbedder
{
    private const int BatchSize = 32;

    public static (int Rows, int Dim, double Seconds) EmbedFile(string modelPath, string vocabPath, string tsvPath, string outPath, int maxTokens)
    {
        var clock = Stopwatch.StartNew();
        var ids = Tokenize(vocabPath, tsvPath, maxTokens);
        using var session = OpenSession(modelPath);
        string output = session.OutputNames[0];
        float[]? all = null;
        int dim = 0;
        foreach (var (start, feeds) in Batches(session, ids))
        {
            using var results = session.Run(feeds, [output]);
            var tensor = results[0].AsTensor<float>();
            dim = tensor.Dimensions[1];
            all ??= new float[ids.Length * dim];
            tensor.ToArray().CopyTo(all, start * dim);
        }

        var values = all ?? [];
        var bytes = new byte[values.Length * sizeof(float)];
        Buffer.BlockCopy(values, 0, bytes, 0, bytes.Length);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("embeddings are written little endian");
        }
        File.WriteAllBytes(outPath, bytes);
        return (ids.Length, dim, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Calibration ranges: every float output of the graph (e.g. the inputs of its linear layers, exposed as outputs)
    /// over the TSV's sentences, in the same padded batches as <see cref="EmbedFile"/>. Per output: the global min and
    /// max, and the mean over batches of each batch's min and max. Written as JSON {name: {min, max, batch_min_mean,
    /// batch_max_mean}}.
    /// </summary>
    public static (int Rows, int Outputs, double Seconds) RangesFile(string modelPath, string vocabPath, string tsvPath, string outPath, int maxTokens)
    {
        var clock = Stopwatch.StartNew();
        var ids = Tokenize(vocabPath, tsvPath, maxTokens);
        using var session = OpenSession(modelPath);
        var outputs = session.OutputMetadata.Where(o => o.Value.ElementDataType == TensorElementType.Float).Select(o => o.Key).ToArray();
        var min = outputs.ToDictionary(o => o, _ => double.PositiveInfinity);
        var max = outputs.ToDictionary(o => o, _ => double.NegativeInfinity);
        var batchMin = outputs.ToDictionary(o => o, _ => 0.0);
        var batchMax = outputs.ToDictionary(o => o, _ => 0.0);
        int batches = 0;
        foreach (var (_, feeds) in Batches(session, ids))
        {
            using var results = session.Run(feeds, outputs);
            foreach (var result in results)
            {
                float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
                foreach (float v in result.AsTensor<float>())
                {
                    lo = Math.Min(lo, v);
                    hi = Math.Max(hi, v);
                }
                min[result.Name] = Math.Min(min[result.Name], lo);
                max[result.Name] = Math.Max(max[result.Name], hi);
                batchMin[result.Name] += lo;
                batchMax[result.Name] += hi;
            }
            batches++;
        }
        var json = outputs.ToDictionary(o => o, o => new Dictionary<string, double>
        {
            ["min"] = min[o],
            ["max"] = max[o],
            ["batch_min_mean"] = batchMin[o] / batches,
            ["batch_max_mean"] = batchMax[o] / batches,
        });
        File.WriteAllText(outPath, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return (ids.Length, outputs.Length, clock.Elapsed.TotalSeconds);
    }

    private static long[][] Tokenize(string vocabPath, string tsvPath, int maxTokens)
    {
        var tokenizer = WordPieceTokenizer.FromVocabularyFile(vocabPath);
        var sentences = File.ReadLines(tsvPath).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')[0]).ToArray();
        return sentences.Select(s =>
        {
            var buffer = new long[maxTokens];
            int n = tokenizer.Encode(s, buffer);
            return buffer[..n];
        }).ToArray();
    }

    private static InferenceSession OpenSession(string modelPath)
    {
        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        return new InferenceSession(modelPath, options);
    }

    private static IEnumerable<(int Start, List<NamedOnnxValue> Feeds)> Batches(InferenceSession session, long[][] ids)
    {
        var inputNames = session.InputNames.ToHashSet(StringComparer.Ordinal);
        for (int start = 0; start < ids.Length; start += BatchSize)
        {
            int rows = Math.Min(BatchSize, ids.Length - start);
            int columns = ids.Skip(start).Take(rows).Max(r => r.Length);
            var inputIds = new DenseTensor<long>([rows, columns]);
            var mask = new DenseTensor<long>([rows, columns]);
            var types = new DenseTensor<long>([rows, columns]);
            for (int r = 0; r < rows; r++)
            {
                var row = ids[start + r];
                for (int c = 0; c < row.Length; c++)
                {
                    inputIds[r, c] = row[c];
                    mask[r, c] = 1;
                }
            }
            var feeds = new List<NamedOnnxValue>
            {
                NamedOnnxValue.CreateFromTensor("input_ids", inputIds),
                NamedOnnxValue.CreateFromTensor("attention_mask", mask),
            };
            if (inputNames.Contains("token_type_ids"))
            {
                feeds.Add(NamedOnnxValue.CreateFromTensor("token_type_ids", types));
            }
            yield return (start, feeds);
        }
    }
}
