using PredictionCluster.Inference.Model;
using PredictionCluster.Inference.Tokenization;

namespace Benchmarks;

/// <summary>
/// Preallocated input and logits buffers laid out as the service's InferenceWorker lays them out (row-major
/// [rows, columns] input_ids / attention_mask / token_type_ids), so the timed loops allocate nothing themselves.
/// </summary>
internal sealed class ModelInputs
{
    // bert-base-uncased puts [PAD], [unusedN] and the special tokens below 1000 (and [CLS]=101, [SEP]=102);
    // ordinary word pieces follow. Smaller vocabularies (test models) fall back to everything but the specials.
    private const int FirstOrdinaryBertId = 1000;

    private readonly SentimentModel _model;

    public ModelInputs(SentimentModel model, int capacityRows, int capacityCells)
    {
        _model = model;
        Buffers = new long[model.HasTokenTypeIds ? 3 : 2][];
        for (int i = 0; i < Buffers.Length; i++)
        {
            Buffers[i] = new long[capacityCells];
        }
        Logits = new float[capacityRows * model.LabelCount];
    }

    /// <summary>input_ids, attention_mask[, token_type_ids]: the order <see cref="SentimentModel.Run"/> expects.</summary>
    public long[][] Buffers { get; }

    public float[] Logits { get; }

    /// <summary>Runs the rows last filled in; the call the service's worker makes.</summary>
    public void Run(int rows, int columns) => _model.Run(Buffers, rows, columns, Logits);

    /// <summary>
    /// <paramref name="rows"/> synthetic sentences of exactly <paramref name="columns"/> tokens: [CLS], random valid
    /// word-piece ids, [SEP], full attention mask (no padding, so every token is a real one).
    /// </summary>
    public void FillSynthetic(int rows, int columns, Random random)
    {
        var tokenizer = _model.Tokenizer;
        int first = tokenizer.VocabularySize > 2 * FirstOrdinaryBertId ? FirstOrdinaryBertId : 0;
        var ids = Buffers[0];
        for (int row = 0; row < rows; row++)
        {
            var sentence = ids.AsSpan(row * columns, columns);
            sentence[0] = tokenizer.ClassifierTokenId;
            for (int i = 1; i < columns - 1; i++)
            {
                long id;
                do
                {
                    id = random.Next(first, tokenizer.VocabularySize);
                }
                while (IsSpecial(id, tokenizer));
                sentence[i] = id;
            }
            sentence[^1] = tokenizer.SeparatorTokenId;
        }
        Buffers[1].AsSpan(0, rows * columns).Fill(1);
        if (Buffers.Length > 2)
        {
            Buffers[2].AsSpan(0, rows * columns).Clear();
        }
    }

    /// <summary>
    /// The sentences of <paramref name="batch"/>, each padded with [PAD] (mask 0) to the batch's longest, exactly as
    /// InferenceWorker.Fill does.
    /// </summary>
    public void FillBatch(PlannedBatch batch, IReadOnlyList<long[]> sentences)
    {
        long pad = _model.Tokenizer.PaddingTokenId;
        int columns = batch.Columns;
        var ids = Buffers[0];
        var mask = Buffers[1];
        for (int row = 0; row < batch.Sentences.Length; row++)
        {
            var tokens = sentences[batch.Sentences[row]];
            int offset = row * columns;
            tokens.CopyTo(ids.AsSpan(offset));
            ids.AsSpan(offset + tokens.Length, columns - tokens.Length).Fill(pad);
            mask.AsSpan(offset, tokens.Length).Fill(1);
            mask.AsSpan(offset + tokens.Length, columns - tokens.Length).Clear();
        }
        if (Buffers.Length > 2)
        {
            Buffers[2].AsSpan(0, batch.Sentences.Length * columns).Clear();
        }
    }

    private static bool IsSpecial(long id, WordPieceTokenizer tokenizer) =>
        id == tokenizer.ClassifierTokenId || id == tokenizer.SeparatorTokenId
        || id == tokenizer.PaddingTokenId || id == tokenizer.UnknownTokenId;
}
