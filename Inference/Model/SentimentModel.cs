using PredictionCluster.Inference.Session;
using PredictionCluster.Inference.Tokenization;

namespace PredictionCluster.Inference.Model;

/// <summary>
/// A loaded text classifier: tokenizer, ONNX Runtime session and label names. Thread-safe; one
/// per process. Owns the native session: dispose it last, after every batch has finished.
/// </summary>
public sealed class SentimentModel : IDisposable
{
    public const string InputIdsName = "input_ids";
    public const string AttentionMaskName = "attention_mask";
    public const string TokenTypeIdsName = "token_type_ids";
    public const string LogitsName = "logits";

    private readonly ModelSession _session;
    private readonly ModelRunner _runner;

    private SentimentModel(ModelDirectory directory, WordPieceTokenizer tokenizer, ModelSession session, ModelRunner runner, bool hasTokenTypeIds)
    {
        Directory = directory;
        Tokenizer = tokenizer;
        _session = session;
        _runner = runner;
        HasTokenTypeIds = hasTokenTypeIds;
    }

    public ModelDirectory Directory { get; }

    /// <summary>The content id of the model (part of every cache key): see <see cref="ModelDirectory"/>.</summary>
    public string ModelId => Directory.ModelId;

    /// <summary>Label names in the order of the model's outputs.</summary>
    public IReadOnlyList<string> Labels => Directory.Config.Labels;

    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>BERT exports take a third input; DistilBERT exports do not.</summary>
    public bool HasTokenTypeIds { get; }

    public int LabelCount => Labels.Count;

    /// <summary>Tokens per text, specials included; longer texts are truncated.</summary>
    public int MaxTokens => Directory.MaxTokens;

    /// <summary>Opens the ONNX session and checks the model's inputs and outputs fit a sequence classifier.</summary>
    public static SentimentModel Load(ModelDirectory directory, SessionSettings settings)
    {
        var tokenizer = LoadTokenizer(directory);
        var session = ModelSession.Open(directory.ModelPath, settings);
        try
        {
            var inputs = session.InputNames.ToHashSet(StringComparer.Ordinal);
            foreach (string required in new[] { InputIdsName, AttentionMaskName })
            {
                if (!inputs.Contains(required))
                {
                    throw new ModelLoadException($"{directory.ModelPath}: the model has no '{required}' input (inputs: {string.Join(", ", inputs)}); expected a HF sequence-classification export.");
                }
            }
            bool hasTokenTypes = inputs.Contains(TokenTypeIdsName);
            var unknown = inputs.Except([InputIdsName, AttentionMaskName, TokenTypeIdsName]).ToArray();
            if (unknown.Length > 0)
            {
                throw new ModelLoadException($"{directory.ModelPath}: unexpected model inputs {string.Join(", ", unknown)}.");
            }

            string output = session.OutputNames.Contains(LogitsName) ? LogitsName : session.OutputNames[0];
            var shape = session.OutputMetadata[output].Dimensions;
            if (shape.Length != 2 || (shape[1] > 0 && shape[1] != directory.Config.Labels.Count))
            {
                throw new ModelLoadException($"{directory.ModelPath}: output '{output}' has shape [{string.Join(", ", shape)}]; expected [batch, {directory.Config.Labels.Count}] to match config.json id2label.");
            }

            string[] names = hasTokenTypes ? [InputIdsName, AttentionMaskName, TokenTypeIdsName] : [InputIdsName, AttentionMaskName];
            var runner = session.CreateRunner(names, output, directory.Config.Labels.Count);
            return new SentimentModel(directory, tokenizer, session, runner, hasTokenTypes);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Runs one padded batch. <paramref name="inputs"/> holds input_ids, attention_mask (and token_type_ids
    /// when <see cref="HasTokenTypeIds"/>), each at least rows*columns long; logits land in <paramref name="logits"/>.
    /// </summary>
    public void Run(ReadOnlySpan<long[]> inputs, int rows, int columns, Span<float> logits) =>
        _runner.Run(inputs, rows, columns, logits);

    public void Dispose() => _session.Dispose();

    private static WordPieceTokenizer LoadTokenizer(ModelDirectory directory)
    {
        try
        {
            return WordPieceTokenizer.FromVocabularyFile(directory.VocabularyPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ArgumentException)
        {
            throw new ModelLoadException($"{directory.VocabularyPath}: not a usable WordPiece vocabulary: {e.Message}", e);
        }
    }
}
