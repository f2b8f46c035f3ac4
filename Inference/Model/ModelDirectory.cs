using System.Security.Cryptography;
using System.Text;
using PredictionCluster.Inference.Drift;

namespace PredictionCluster.Inference.Model;

/// <summary>
/// A model directory in HF export layout, checked and identified. The id is a content hash over
/// everything that changes an answer, so a model change never serves stale cached predictions.
/// </summary>
public sealed record ModelDirectory(string Root, string ModelPath, string VocabularyPath, ModelConfig Config, int MaxTokens, string ModelId)
{
    /// <summary>
    /// The model's answers on a reference set (<c>reference.json</c>), which the service's drift figures compare recent
    /// predictions against; null when the directory has none, or has one of another model (see <see cref="ReferenceIgnored"/>).
    /// Not part of the id: it changes no answer.
    /// </summary>
    public DriftReference? Reference { get; init; }

    /// <summary>
    /// Why a well-formed <c>reference.json</c> is not used: it was computed for another model id (the model was rebuilt
    /// without it, or Model:MaxTokens truncates otherwise than it was computed with). For the silo to log; null otherwise.
    /// </summary>
    public string? ReferenceIgnored { get; init; }

    public const string ModelFileName = "model.onnx";
    public const string VocabularyFileName = "vocab.txt";
    public const string ConfigFileName = "config.json";

    // Hex characters of the digest kept in the id: 64 bits is plenty to tell models apart.
    private const int ModelIdLength = 16;

    /// <summary>Checks the layout, reads config.json, computes the model id and reads the optional reference.json.</summary>
    /// <param name="maxTokensOverride">0 for the model's own limit; else a smaller truncation length.</param>
    /// <param name="readReference">False to leave <c>reference.json</c> unread (the tool that rewrites it must not trip over a broken one).</param>
    public static ModelDirectory Open(string root, int maxTokensOverride = 0, bool readReference = true)
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
        string id = ComputeId(model, vocab, config, maxTokens);
        var (reference, ignored) = readReference ? ReadReference(full, config, id) : (null, null);
        return new ModelDirectory(full, model, vocab, config, maxTokens, id) { Reference = reference, ReferenceIgnored = ignored };
    }

    /// <summary>
    /// The optional <c>reference.json</c>: absent is fine (no drift figures), malformed stops startup
    /// (<see cref="DriftReference.Read"/>), another model's is ignored with a reason: comparing this model's answers
    /// with another's would report drift that is only the difference between the models.
    /// </summary>
    private static (DriftReference? Reference, string? Ignored) ReadReference(string root, ModelConfig config, string modelId)
    {
        string path = Path.Combine(root, DriftReference.FileName);
        if (!File.Exists(path))
        {
            return (null, null);
        }
        var reference = DriftReference.Read(path, config);
        return reference.ModelId == modelId
            ? (reference, null)
            : (null, $"{path} was computed for model {reference.ModelId}, not {modelId} (rebuilt model, or another Model:MaxTokens); no drift figures");
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
