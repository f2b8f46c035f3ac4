using System.Globalization;
using System.Text;

namespace PredictionCluster.Inference.Tokenization;

/// <summary>
/// The character classes BERT's basic tokenization is defined by, written from the rules of
/// Hugging Face's BertNormalizer / BertPreTokenizer (and Google's original tokenization.py).
/// All take a Unicode scalar value, so characters outside the BMP are classified as a whole.
/// </summary>
internal static class BertCharacterRules
{
    /// <summary>
    /// True for what clean_text deletes: NUL, U+FFFD and every "Other" category character
    /// (Cc, Cf, Cs, Co, Cn). Tab, newline and carriage return are Cc but BERT treats them as whitespace.
    /// </summary>
    public static bool IsRemovedByCleaning(Rune rune)
    {
        int value = rune.Value;
        if (value is '\t' or '\n' or '\r')
        {
            return false;
        }

        if (value is 0 or 0xFFFD)
        {
            return true;
        }

        // Printable ASCII is by far the common case; skip the category lookup for it.
        if (value is >= 0x20 and < 0x7F)
        {
            return false;
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
            or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned;
    }

    /// <summary>Whitespace in BERT's sense: the Unicode White_Space property (which includes \t \n \r).</summary>
    public static bool IsWhitespace(Rune rune) => rune.Value == ' ' || Rune.IsWhiteSpace(rune);

    /// <summary>
    /// Punctuation in BERT's sense: every non-alphanumeric printable ASCII character (so $ + < = > ^ ` | ~,
    /// which Unicode files under symbols, count too) plus every Unicode P* category character.
    /// </summary>
    public static bool IsPunctuation(Rune rune)
    {
        int value = rune.Value;
        if (value < 0x80)
        {
            return value is (>= 33 and <= 47) or (>= 58 and <= 64) or (>= 91 and <= 96) or (>= 123 and <= 126);
        }

        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.ConnectorPunctuation
            or UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation
            or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;
    }

    /// <summary>
    /// The CJK Unified Ideograph blocks BERT puts spaces around (so each ideograph is its own word).
    /// Hiragana, Katakana and Hangul are deliberately not included: those scripts space their words.
    /// </summary>
    public static bool IsChineseCharacter(Rune rune)
    {
        int value = rune.Value;
        return value is (>= 0x4E00 and <= 0x9FFF)
            or (>= 0x3400 and <= 0x4DBF)
            or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F)
            or (>= 0x2B740 and <= 0x2B81F)
            or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF)
            or (>= 0x2F800 and <= 0x2FA1F);
    }
}
