using System.Buffers;

namespace Inference.Tokenization;

/// <summary>
/// Hugging Face-compatible BERT WordPiece tokenizer for uncased vocabularies (bert-base-uncased and its
/// fine-tunes): BertNormalizer (clean text, CJK spacing, accent stripping, lowercasing), BertPreTokenizer,
/// WordPiece with "##" continuations and [UNK], and the single-sequence template [CLS] $A [SEP].
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

    private readonly Vocabulary _vocabulary;
    private readonly WordPieceModel _model;

    private WordPieceTokenizer(Vocabulary vocabulary, string path)
    {
        _vocabulary = vocabulary;
        ClassifierTokenId = vocabulary.GetRequiredId("[CLS]", path);
        SeparatorTokenId = vocabulary.GetRequiredId("[SEP]", path);
        PaddingTokenId = vocabulary.GetRequiredId("[PAD]", path);
        UnknownTokenId = vocabulary.GetRequiredId("[UNK]", path);
        _model = new WordPieceModel(vocabulary.IdsByToken, UnknownTokenId);
    }

    /// <summary>The [CLS] id every encoding starts with.</summary>
    public int ClassifierTokenId { get; }

    /// <summary>The [SEP] id every encoding ends with.</summary>
    public int SeparatorTokenId { get; }

    /// <summary>The [PAD] id, for callers that pad batches.</summary>
    public int PaddingTokenId { get; }

    /// <summary>The [UNK] id, for words nothing in the vocabulary matches.</summary>
    public int UnknownTokenId { get; }

    /// <summary>The number of ids: lines in vocab.txt.</summary>
    public int VocabularySize => _vocabulary.TokensById.Count;

    /// <summary>
    /// Loads a vocab.txt (one token per line, id = line index). Throws <see cref="FileNotFoundException"/> for a
    /// missing file and <see cref="InvalidDataException"/> for an empty one or one without [CLS], [SEP], [PAD], [UNK].
    /// </summary>
    public static WordPieceTokenizer FromVocabularyFile(string path) => new(Vocabulary.Load(path), path);

    /// <summary>
    /// Writes [CLS], the word pieces of <paramref name="text"/> and [SEP] into <paramref name="destination"/> and returns
    /// how many ids were written. Pieces beyond destination.Length - 2 are dropped (HF's truncation of a single sequence).
    /// Allocates nothing for ordinary text: scratch lives on the stack, or in the shared array pool for unusually long
    /// runs of text without whitespace.
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

    /// <summary>The word pieces of <paramref name="text"/>, without [CLS]/[SEP] and untruncated. For tests and debugging.</summary>
    public IReadOnlyList<string> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new long[Math.Max(16, 2 * text.Length)];
        int count;
        while ((count = WritePieces(text, ids)) == ids.Length)
        {
            // Full is ambiguous (exactly full or truncated): retry with room to spare.
            ids = new long[2 * ids.Length];
        }

        var tokens = new string[count];
        for (int i = 0; i < count; i++)
        {
            tokens[i] = _vocabulary.TokensById[(int)ids[i]];
        }

        return tokens;
    }

    // Writes piece ids into destination until the text or the destination runs out; returns how many.
    private int WritePieces(ReadOnlySpan<char> text, Span<long> destination)
    {
        Span<char> buffer = stackalloc char[StackBufferLength];
        Span<int> wordPieces = stackalloc int[WordPieceModel.MaxInputCharactersPerWord];
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
                while (!BertNormalizer.TryNormalize(chunk, buffer, out normalizedLength))
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

                var words = new BertPreTokenizer(buffer[..normalizedLength]);
                while (words.MoveNext())
                {
                    int pieceCount = _model.EncodeWord(words.Current, wordPieces);
                    int take = Math.Min(pieceCount, destination.Length - count);
                    for (int i = 0; i < take; i++)
                    {
                        destination[count++] = wordPieces[i];
                    }

                    if (count == destination.Length)
                    {
                        return count;
                    }
                }
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
