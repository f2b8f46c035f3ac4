using Grains.Inference.OnnxRuntime;
using Grains.Inference.Tokenization;
using Grains.Interfaces;

namespace Grains.Inference.Model;

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

    private readonly OrtInferenceSession _session;
    private readonly OrtRunner _runner;

    private SentimentModel(ModelDirectory directory, WordPieceTokenizer tokenizer, OrtInferenceSession session, OrtRunner runner, bool hasTokenTypeIds)
    {
        Directory = directory;
        Tokenizer = tokenizer;
        _session = session;
        _runner = runner;
        HasTokenTypeIds = hasTokenTypeIds;
        Descriptor = new ModelDescriptor(directory.ModelId, directory.Config.Labels, directory.MaxTokens);
    }

    public ModelDirectory Directory { get; }

    public ModelDescriptor Descriptor { get; }

    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>BERT exports take a third input; DistilBERT exports do not.</summary>
    public bool HasTokenTypeIds { get; }

    public int LabelCount => Descriptor.Labels.Count;

    public int MaxTokens => Descriptor.MaxTokens;

    /// <summary>Opens the ONNX session and checks the model's inputs and outputs fit a sequence classifier.</summary>
    public static SentimentModel Load(ModelDirectory directory, OrtSessionSettings settings, string? onnxRuntimePath = null)
    {
        OrtLibrary.Load(string.IsNullOrWhiteSpace(onnxRuntimePath) ? null : onnxRuntimePath);
        var tokenizer = LoadTokenizer(directory);
        OrtInferenceSession session;
        try
        {
            session = OrtInferenceSession.Open(directory.ModelPath, settings);
        }
        catch (OrtException e)
        {
            throw new ModelLoadException($"{directory.ModelPath}: ONNX Runtime cannot load it: {e.Message}", e);
        }

        try
        {
            var inputs = session.Inputs.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
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

            var output = session.Outputs.FirstOrDefault(o => o.Name == LogitsName) ?? session.Outputs[0];
            if (output.Shape.Length != 2 || (output.Shape[1] > 0 && output.Shape[1] != directory.Config.Labels.Count))
            {
                throw new ModelLoadException($"{directory.ModelPath}: output '{output.Name}' has shape [{string.Join(", ", output.Shape)}]; expected [batch, {directory.Config.Labels.Count}] to match config.json id2label.");
            }

            string[] names = hasTokenTypes ? [InputIdsName, AttentionMaskName, TokenTypeIdsName] : [InputIdsName, AttentionMaskName];
            var runner = session.CreateRunner(names, output.Name);
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
    public void Run(ReadOnlySpan<long[]> inputs, int rows, int columns, Span<float> logits)
    {
        int written = _runner.Run(inputs, rows, columns, logits, out _);
        if (written != rows * LabelCount)
        {
            throw new InvalidOperationException($"The model wrote {written} logits for {rows} rows of {LabelCount} labels.");
        }
    }

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
