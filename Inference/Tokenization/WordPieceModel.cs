using System.Collections.Frozen;

namespace Inference.Tokenization;

/// <summary>
/// Greedy longest-match-first WordPiece over one pre-tokenized word: take the longest vocabulary entry
/// that prefixes the rest of the word ("##"-prefixed entries after the first piece), repeat. A word with
/// more than <see cref="MaxInputCharactersPerWord"/> characters, or with a remainder nothing matches,
/// becomes a single [UNK], exactly as in Hugging Face's WordPiece model.
/// </summary>
internal sealed class WordPieceModel
{
    /// <summary>HF's max_input_chars_per_word for BERT, counted in Unicode scalar values.</summary>
    public const int MaxInputCharactersPerWord = 100;

    private const string ContinuationPrefix = "##";

    // Two tables so a continuation lookup needs no "##" + substring concatenation: continuation entries
    // are stored without their prefix. Both are probed with ReadOnlySpan<char> slices of the word.
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _wordStarts;
    private readonly FrozenDictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _continuations;

    // No entry is longer than these (UTF-16 units), so longer candidates need no lookup at all;
    // this keeps long unmatched words from costing a quadratic number of probes.
    private readonly int _longestWordStart;
    private readonly int _longestContinuation;
    private readonly int _unknownTokenId;

    public WordPieceModel(IReadOnlyDictionary<string, int> vocabulary, int unknownTokenId)
    {
        var wordStarts = new Dictionary<string, int>(vocabulary.Count, StringComparer.Ordinal);
        var continuations = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach ((string token, int id) in vocabulary)
        {
            wordStarts[token] = id;
            _longestWordStart = Math.Max(_longestWordStart, token.Length);
            if (token.Length > ContinuationPrefix.Length && token.StartsWith(ContinuationPrefix, StringComparison.Ordinal))
            {
                string rest = token[ContinuationPrefix.Length..];
                continuations[rest] = id;
                _longestContinuation = Math.Max(_longestContinuation, rest.Length);
            }
        }

        _wordStarts = wordStarts.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _continuations = continuations.ToFrozenDictionary(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        _unknownTokenId = unknownTokenId;
    }

    /// <summary>
    /// Writes the ids of <paramref name="word"/>'s pieces into <paramref name="pieces"/> (at least
    /// <see cref="MaxInputCharactersPerWord"/> long: a word that is not [UNK] has at most that many pieces)
    /// and returns how many were written.
    /// </summary>
    public int EncodeWord(ReadOnlySpan<char> word, Span<int> pieces)
    {
        if (word.Length > MaxInputCharactersPerWord && CountScalars(word) > MaxInputCharactersPerWord)
        {
            pieces[0] = _unknownTokenId;
            return 1;
        }

        int count = 0;
        int start = 0;
        while (start < word.Length)
        {
            bool first = start == 0;
            int longest = first ? _longestWordStart : _longestContinuation;
            int end = Math.Min(word.Length, start + longest);
            end = BackOffSplitPair(word, end);

            int id = -1;
            while (end > start)
            {
                ReadOnlySpan<char> candidate = word[start..end];
                bool found = first
                    ? _wordStarts.TryGetValue(candidate, out id)
                    : _continuations.TryGetValue(candidate, out id);
                if (found)
                {
                    break;
                }

                end = BackOffSplitPair(word, end - 1);
            }

            if (end == start)
            {
                // The rest of the word matches nothing: the whole word is unknown, not just the rest.
                pieces[0] = _unknownTokenId;
                return 1;
            }

            pieces[count++] = id;
            start = end;
        }

        return count;
    }

    // Candidates end on scalar boundaries, as in HF (which slices by char): never between a surrogate pair.
    private static int BackOffSplitPair(ReadOnlySpan<char> word, int end) =>
        end > 0 && end < word.Length && char.IsLowSurrogate(word[end]) && char.IsHighSurrogate(word[end - 1]) ? end - 1 : end;

    private static int CountScalars(ReadOnlySpan<char> word)
    {
        int count = word.Length;
        for (int i = 1; i < word.Length; i++)
        {
            if (char.IsLowSurrogate(word[i]) && char.IsHighSurrogate(word[i - 1]))
            {
                count--;
            }
        }

        return count;
    }
}
