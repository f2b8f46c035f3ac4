using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.ML.Tokenizers;

namespace PredictionCluster.Inference.Tokenization;

/// <summary>
/// BERT's uncased normalization exactly as Hugging Face does it, plugged into Microsoft.ML.Tokenizers (whose own
/// BertNormalizer drops characters HF keeps and cannot strip accents under invariant globalization): clean text
/// (drop NUL, U+FFFD and control / format / unassigned characters, turn whitespace into ' '), put spaces around
/// CJK ideographs, strip accents (canonical decomposition, then drop nonspacing marks), lowercase. Every step is a
/// function of one character, so a single pass per scalar value gives the same result as HF's four passes.
/// The normalized text always ends with <see cref="StandIn"/>, which <see cref="HuggingFaceBertPreTokenizer"/>
/// uses to make the package emit [UNK] for words it would otherwise measure differently from HF.
/// </summary>
internal sealed class HuggingFaceBertNormalizer : Normalizer
{
    /// <summary>
    /// U+FFFF, a noncharacter: cleaning deletes it from every input (it is unassigned), so in normalized text it
    /// only ever occurs as the final character this normalizer appends, and the vocabulary loader keeps it out
    /// of the vocabulary, so the package always maps it to [UNK].
    /// </summary>
    public const char StandIn = '\uFFFF';

    private HuggingFaceBertNormalizer()
    {
    }

    public static HuggingFaceBertNormalizer Instance { get; } = new();

    /// <summary>For the package's own pipeline (which needs a string); the hot path calls TryNormalize with a buffer.</summary>
    public override string Normalize(string original) => Normalize(original.AsSpan());

    /// <inheritdoc cref="Normalize(string)"/>
    public override string Normalize(ReadOnlySpan<char> original)
    {
        int size = 2 * original.Length + 16;
        while (true)
        {
            char[] buffer = ArrayPool<char>.Shared.Rent(size);
            try
            {
                if (TryNormalize(original, buffer, out int written))
                {
                    return new string(buffer, 0, written);
                }
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }

            size *= 2;
        }
    }

    /// <summary>
    /// Normalizes <paramref name="source"/> into <paramref name="destination"/>, followed by <see cref="StandIn"/>.
    /// Returns false, leaving <paramref name="written"/> undefined, when the destination is too small; the caller
    /// retries with more room. Lone surrogates are treated like U+FFFD, i.e. removed (HF never sees them: Rust
    /// strings cannot hold them).
    /// </summary>
    public static bool TryNormalize(ReadOnlySpan<char> source, Span<char> destination, out int written)
    {
        Span<char> decomposed = stackalloc char[CanonicalDecomposition.MaxDecompositionLength];
        int length = 0;
        int position = 0;
        written = 0;
        while (position < source.Length)
        {
            char c = source[position];

            // ASCII fast path: no ASCII character decomposes, is a CJK ideograph or lowercases to non-ASCII.
            if (c < 0x80)
            {
                position++;
                if (c is >= (char)0x20 and < (char)0x7F)
                {
                    if (length == destination.Length)
                    {
                        return false;
                    }

                    destination[length++] = c is >= 'A' and <= 'Z' ? (char)(c | 0x20) : c;
                }
                else if (c is '\t' or '\n' or '\r')
                {
                    if (length == destination.Length)
                    {
                        return false;
                    }

                    destination[length++] = ' ';
                }

                // Every other ASCII control character (including NUL) is removed.
                continue;
            }

            Rune.DecodeFromUtf16(source[position..], out Rune rune, out int consumed);
            position += consumed;
            if (BertCharacterRules.IsRemovedByCleaning(rune))
            {
                continue;
            }

            if (BertCharacterRules.IsWhitespace(rune))
            {
                if (length == destination.Length)
                {
                    return false;
                }

                destination[length++] = ' ';
                continue;
            }

            bool chinese = BertCharacterRules.IsChineseCharacter(rune);
            if (chinese)
            {
                if (length == destination.Length)
                {
                    return false;
                }

                destination[length++] = ' ';
            }

            int decomposedLength = CanonicalDecomposition.Decompose(rune, decomposed);
            ReadOnlySpan<char> parts = decomposed[..decomposedLength];
            while (!parts.IsEmpty)
            {
                Rune.DecodeFromUtf16(parts, out Rune part, out int partLength);
                parts = parts[partLength..];
                if (Rune.GetUnicodeCategory(part) == UnicodeCategory.NonSpacingMark)
                {
                    continue;
                }

                // Rune.ToLowerInvariant is the per-character simple mapping, like HF's per-char lowercase.
                // (HF maps U+0130 to "i\u0307", but accent stripping has turned it into 'I' before this point.)
                Rune lower = Rune.ToLowerInvariant(part);
                if (!lower.TryEncodeToUtf16(destination[length..], out int lowerLength))
                {
                    return false;
                }

                length += lowerLength;
            }

            if (chinese)
            {
                if (length == destination.Length)
                {
                    return false;
                }

                destination[length++] = ' ';
            }
        }

        if (length == destination.Length)
        {
            return false;
        }

        destination[length++] = StandIn;
        written = length;
        return true;
    }
}
