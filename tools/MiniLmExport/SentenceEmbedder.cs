using System.Diagnostics;
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
        var tokenizer = WordPieceTokenizer.FromVocabularyFile(vocabPath);
        var sentences = File.ReadLines(tsvPath).Skip(1).Where(l => l.Length > 0).Select(l => l.Split('\t')[0]).ToArray();
        var ids = sentences.Select(s =>
        {
            var buffer = new long[maxTokens];
            int n = tokenizer.Encode(s, buffer);
            return buffer[..n];
        }).ToArray();

        using var options = new SessionOptions { IntraOpNumThreads = Environment.ProcessorCount, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        using var session = new InferenceSession(modelPath, options);
        string output = session.OutputNames[0];
        var inputNames = session.InputNames.ToHashSet(StringComparer.Ordinal);
        float[]? all = null;
        int dim = 0;
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
}
