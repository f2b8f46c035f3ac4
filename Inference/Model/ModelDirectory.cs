using System.Security.Cryptography;
using System.Text;

namespace PredictionCluster.Inference.Model;

/// <summary>
/// A model directory in HF export layout, checked and identified. The id is a content hash over
/// everything that changes an answer, so a model change never serves stale cached predictions.
/// </summary>
public sealed record ModelDirectory(string Root, string ModelPath, string VocabularyPath, ModelConfig Config, int MaxTokens, string ModelId)
{
    public const string ModelFileName = "model.onnx";
    public const string VocabularyFileName = "vocab.txt";
    public const string ConfigFileName = "config.json";

    // Hex characters of the digest kept in the id: 64 bits is plenty to tell models apart.
    private const int ModelIdLength = 16;

    /// <summary>Checks the layout, reads config.json and computes the model id.</summary>
    /// <param name="maxTokensOverride">0 for the model's own limit; else a smaller truncation length.</param>
    public static ModelDirectory Open(string root, int maxTokensOverride = 0)
    {
        string full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            throw new ModelLoadException($"Model directory '{full}' does not exist. Run scripts/setup.sh to build the default model, or set Model:Path to an HF export (model.onnx, vocab.txt, config.json).");
        }
        string model = RequireFile(full, ModelFileName);
        string vocab = RequireFile(full, VocabularyFileName);
        var config = ModelConfig.Parse(RequireFile(full, ConfigFileName));

        if (maxTokensOverride < 0 || maxTokensOverride == 1)
        {
            throw new ModelLoadException($"Model:MaxTokens must be 0 (the model's limit) or at least 2; it is {maxTokensOverride}.");
        }
        int maxTokens = maxTokensOverride == 0 ? config.MaxPositionEmbeddings : Math.Min(maxTokensOverride, config.MaxPositionEmbeddings);
        return new ModelDirectory(full, model, vocab, config, maxTokens, ComputeId(model, vocab, config, maxTokens));
    }

    private static string RequireFile(string root, string name)
    {
        string path = Path.Combine(root, name);
        if (!File.Exists(path))
        {
            throw new ModelLoadException($"Model directory '{root}' has no {name}: expected model.onnx, vocab.txt and config.json (HF export layout).");
        }
        return path;
    }

    private static string ComputeId(string model, string vocab, ModelConfig config, int maxTokens)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        AppendFile(hash, model);
        AppendFile(hash, vocab);
        // Labels and truncation change answers as much as weights do.
        hash.AppendData(Encoding.UTF8.GetBytes($"labels={string.Join('\u0001', config.Labels)};maxTokens={maxTokens};uncased=1"));
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..ModelIdLength];
    }

    private static void AppendFile(IncrementalHash hash, string path)
    {
        using var stream = File.OpenRead(path);
        byte[] buffer = new byte[1 << 20];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
        }
        hash.AppendData([0xFF]);
    }
}
