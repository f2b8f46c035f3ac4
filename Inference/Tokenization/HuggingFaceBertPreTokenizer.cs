using System.Text;
using Microsoft.ML.Tokenizers;

namespace PredictionCluster.Inference.Tokenization;

/// <summary>
/// BERT's pre-tokenization exactly as Hugging Face does it, plugged into Microsoft.ML.Tokenizers (whose own
/// word-or-punctuation splitting drops characters HF keeps, such as ` $ = and symbols): words are split on
/// whitespace, and every punctuation character is a word of its own ("don't!!" gives "don", "'", "t", "!", "!").
/// Also applies HF's word limit, which the package cannot: HF turns a word of more than
/// <see cref="MaxInputCharactersPerWord"/> characters (Unicode scalars) into [UNK], the package counts UTF-16 units.
/// The package is configured with twice the limit (no word HF accepts is refused) and a word over HF's limit is
/// pointed at the normalizer's trailing <see cref="HuggingFaceBertNormalizer.StandIn"/>, which is never in the
/// vocabulary, so the package emits one [UNK] for it.
/// </summary>
internal sealed class HuggingFaceBertPreTokenizer : PreTokenizer
{
    /// <summary>HF's max_input_chars_per_word for BERT, counted in Unicode scalar values.</summary>
    public const int MaxInputCharactersPerWord = 100;

    /// <summary>The package's limit, in UTF-16 units: the longest a word of MaxInputCharactersPerWord scalars can be.</summary>
    public const int PackageMaxInputCharsPerWord = 2 * MaxInputCharactersPerWord;

    private HuggingFaceBertPreTokenizer()
    {
    }

    public static HuggingFaceBertPreTokenizer Instance { get; } = new();

    /// <summary>The package's pipeline with normalization (Tokenize): a lazily enumerated sequence of its own.</summary>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int position = 0;
        while (TryNextWord(text, ref position, out (int Offset, int Length) word))
        {
            yield return word;
        }
    }

    /// <summary>
    /// The hot path (Encode hands the package normalized text in a stack buffer): the words are collected into a
    /// per-thread reusable sequence, so no allocation per text. The package enumerates it at once, before the next
    /// call on the same thread overwrites it.
    /// </summary>
    public override IEnumerable<(int Offset, int Length)> PreTokenize(ReadOnlySpan<char> text)
    {
        WordSplits splits = WordSplits.StartForCurrentThread();
        int position = 0;
        while (TryNextWord(text, ref position, out (int Offset, int Length) word))
        {
            splits.Add(word);
        }

        return splits;
    }

    // Finds the next word at or after position. A text ending with the stand-in (normalized text) is split
    // without it; the stand-in is only ever handed out for an overlong word.
    private static bool TryNextWord(ReadOnlySpan<char> text, ref int position, out (int Offset, int Length) word)
    {
        int standIn = -1;
        if (!text.IsEmpty && text[^1] == HuggingFaceBertNormalizer.StandIn)
        {
            standIn = text.Length - 1;
            text = text[..^1];
        }

        Rune rune = default;
        int runeLength = 0;

        // Skip whitespace. After normalization it is all ' ', but the rule is whitespace in general.
        while (position < text.Length)
        {
            Rune.DecodeFromUtf16(text[position..], out rune, out runeLength);
            if (!BertCharacterRules.IsWhitespace(rune))
            {
                break;
            }

            position += runeLength;
        }

        if (position >= text.Length)
        {
            word = default;
            return false;
        }

        int start = position;
        int scalars = 1;
        position += runeLength;
        if (!BertCharacterRules.IsPunctuation(rune))
        {
            while (position < text.Length)
            {
                Rune.DecodeFromUtf16(text[position..], out rune, out runeLength);
                if (BertCharacterRules.IsWhitespace(rune) || BertCharacterRules.IsPunctuation(rune))
                {
                    break;
                }

                position += runeLength;
                scalars++;
            }
        }

        word = scalars > MaxInputCharactersPerWord && standIn >= 0 ? (standIn, 1) : (start, position - start);
        return true;
    }
}
