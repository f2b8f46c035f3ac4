using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.ML.Tokenizers;

namespace PredictionCluster.Inference.Tokenization;

/// <summary>
/// Hugging Face-exact BERT WordPiece tokenizer for uncased vocabularies (bert-base-uncased and its fine-tunes), on
/// Microsoft.ML.Tokenizers: the package's BertTokenizer holds the vocabulary, does WordPiece ("##" continuations,
/// [UNK]) and knows the special tokens; we plug in HF's normalization and pre-tokenization (which the package gets
/// wrong) and truncate on the ids (the package's token limit stops at a word boundary, HF cuts inside a word).
/// Immutable once loaded, so one instance is safely shared by every thread.
/// </summary>
public sealed class WordPieceTokenizer
{
    // Input is normalized in chunks that end just after a whitespace character, which always separates words
    // in BERT, so chunking cannot change the result. It bounds the scratch memory and lets Encode stop reading a
    // long text once the destination is full. Only these four: other whitespace-looking controls (\v, \f, U+0085)
    // are deleted rather than turned into spaces, so they do not separate words.
    private const int ChunkLength = 1024;
    private const int StackBufferLength = 4 * ChunkLength;
    private static readonly SearchValues<char> WordSeparators = SearchValues.Create(" \t\n\r");

    private readonly BertTokenizer _bert;

    private WordPieceTokenizer(BertTokenizer bert, int vocabularySize)
    {
        _bert = bert;
        VocabularySize = vocabularySize;
    }

    /// <summary>The [CLS] id every encoding starts with.</summary>
    public int ClassifierTokenId => _bert.ClassificationTokenId;

    /// <summary>The [SEP] id every encoding ends with.</summary>
    public int SeparatorTokenId => _bert.SeparatorTokenId;

    /// <summary>The [PAD] id, for callers that pad batches.</summary>
    public int PaddingTokenId => _bert.PaddingTokenId;

    /// <summary>The [UNK] id, for words nothing in the vocabulary matches.</summary>
    public int UnknownTokenId => _bert.UnknownTokenId;

    /// <summary>The number of ids: lines in vocab.txt.</summary>
    public int VocabularySize { get; }

    /// <summary>
    /// Loads a vocab.txt (one token per line, id = line index). Throws <see cref="FileNotFoundException"/> for a
    /// missing file and <see cref="InvalidDataException"/> for an empty one or one without [CLS], [SEP], [PAD], [UNK].
    /// </summary>
    public static WordPieceTokenizer FromVocabularyFile(string path)
    {
        Vocabulary vocabulary = Vocabulary.Load(path);
        foreach (string token in (ReadOnlySpan<string>)["[CLS]", "[SEP]", "[PAD]", "[UNK]"])
        {
            vocabulary.Require(token, path);
        }

        var options = new BertOptions
        {
            Normalizer = HuggingFaceBertNormalizer.Instance,
            PreTokenizer = HuggingFaceBertPreTokenizer.Instance,
            UnknownToken = "[UNK]",
            ContinuingSubwordPrefix = "##",
            MaxInputCharsPerWord = HuggingFaceBertPreTokenizer.PackageMaxInputCharsPerWord,

            // A literal "[SEP]" in user text stays text ("[", "sep", "]"), so users cannot inject separators.
            SplitOnSpecialTokens = false,

            // The package insists on a mask token; a classifier never uses one, so a vocabulary without it is fine.
            MaskingToken = vocabulary.IdsByToken.ContainsKey("[MASK]") ? "[MASK]" : "[UNK]",
        };

        using MemoryStream stream = vocabulary.OpenForPackage();
        return new WordPieceTokenizer(BertTokenizer.Create(stream, options), vocabulary.Size);
    }

    /// <summary>
    /// Writes [CLS], the word pieces of <paramref name="text"/> and [SEP] into <paramref name="destination"/> and returns
    /// how many ids were written. Pieces beyond destination.Length - 2 are dropped (HF's truncation of a single sequence).
    /// Normalized text lives on the stack (the shared array pool for unusually long runs without whitespace); what is
    /// allocated per text is the package's list of ids.
    /// </summary>
    public int Encode(ReadOnlySpan<char> text, Span<long> destination)
    {
        if (destination.Length < 2)
        {
            throw new ArgumentException("The destination must have room for at least [CLS] and [SEP].", nameof(destination));
        }

        destination[0] = ClassifierTokenId;
        int pieces = WritePieces(text, destination[1..^1]);
        destination[pieces + 1] = SeparatorTokenId;
        return pieces + 2;
    }

    /// <summary>
    /// The word pieces of <paramref name="text"/>, without [CLS]/[SEP] and untruncated, through the package's own
    /// pipeline (string normalization, lazy pre-tokenization). For tests and debugging.
    /// </summary>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return [.. _bert.EncodeToTokens(text, out _).Select(token => token.Value)];
    }

    // Writes piece ids into destination until the text or the destination runs out; returns how many.
    private int WritePieces(ReadOnlySpan<char> text, Span<long> destination)
    {
        Span<char> buffer = stackalloc char[StackBufferLength];
        char[]? rented = null;
        int count = 0;
        try
        {
            while (!text.IsEmpty && count < destination.Length)
            {
                int chunkLength = NextChunkLength(text);
                ReadOnlySpan<char> chunk = text[..chunkLength];
                text = text[chunkLength..];

                int normalizedLength;
                while (!HuggingFaceBertNormalizer.TryNormalize(chunk, buffer, out normalizedLength))
                {
                    // Only a long run without whitespace, or very expansive text (CJK, Hangul), gets here.
                    int size = Math.Max(2 * buffer.Length, 4 * chunk.Length);
                    if (rented is not null)
                    {
                        ArrayPool<char>.Shared.Return(rented);
                    }

                    rented = ArrayPool<char>.Shared.Rent(size);
                    buffer = rented;
                }

                // Already normalized: the package pre-tokenizes the span (our pre-tokenizer) and runs WordPiece.
                IReadOnlyList<int> ids = _bert.EncodeToIds(
                    buffer[..normalizedLength], addSpecialTokens: false, considerPreTokenization: true, considerNormalization: false);
                count += Copy(ids, destination[count..]);
            }

            return count;
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    // Copies as many ids as fit (HF truncation cuts anywhere, even inside a word) and returns how many.
    private static int Copy(IReadOnlyList<int> ids, Span<long> destination)
    {
        int take = Math.Min(ids.Count, destination.Length);
        if (ids is List<int> list)
        {
            ReadOnlySpan<int> source = CollectionsMarshal.AsSpan(list)[..take];
            for (int i = 0; i < source.Length; i++)
            {
                destination[i] = source[i];
            }
        }
        else
        {
            for (int i = 0; i < take; i++)
            {
                destination[i] = ids[i];
            }
        }

        return take;
    }

    // The length of the next chunk: up to ChunkLength, ending just after its last word separator; a longer
    // separator-free run is taken whole (it is one word, or punctuation-separated words, either way one chunk).
    private static int NextChunkLength(ReadOnlySpan<char> text)
    {
        if (text.Length <= ChunkLength)
        {
            return text.Length;
        }

        int last = text[..ChunkLength].LastIndexOfAny(WordSeparators);
        if (last >= 0)
        {
            return last + 1;
        }

        int next = text[ChunkLength..].IndexOfAny(WordSeparators);
        return next < 0 ? text.Length : ChunkLength + next + 1;
    }
}
