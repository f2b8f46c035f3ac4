using System.Text;

namespace Inference.Tokenization;

/// <summary>
/// BERT's pre-tokenization over normalized text, as an allocation-free enumerator of word slices:
/// words are split on whitespace, and every punctuation character is a word of its own
/// ("don't!!" gives "don", "'", "t", "!", "!").
/// </summary>
internal ref struct BertPreTokenizer
{
    private readonly ReadOnlySpan<char> _text;
    private int _position;

    public BertPreTokenizer(ReadOnlySpan<char> normalizedText)
    {
        _text = normalizedText;
        _position = 0;
        Current = default;
    }

    public ReadOnlySpan<char> Current { get; private set; }

    public bool MoveNext()
    {
        ReadOnlySpan<char> text = _text;
        int position = _position;
        Rune rune = default;
        int runeLength = 0;

        // Skip whitespace. After BertNormalizer it is all ' ', but the rule is whitespace in general.
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
            _position = position;
            Current = default;
            return false;
        }

        int start = position;
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
            }
        }

        _position = position;
        Current = text[start..position];
        return true;
    }
}
