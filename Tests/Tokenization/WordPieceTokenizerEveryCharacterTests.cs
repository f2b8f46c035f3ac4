using System.Globalization;
using System.Text;
using PredictionCluster.Inference.Tokenization;

namespace Tests.Tokenization;

/// <summary>
/// Every code point up to U+2FFFF, inside a word, alone and between words, against Hugging Face's JS tokenizers in
/// one node run. This pins down the character classes (control, whitespace, punctuation, CJK), accent stripping and
/// lowercasing for the whole of Unicode rather than for hand-picked examples.
/// </summary>
public sealed class WordPieceTokenizerEveryCharacterTests(WordPieceTokenizerEveryCharacterTests.ReferenceFixture reference)
    : IClassFixture<WordPieceTokenizerEveryCharacterTests.ReferenceFixture>
{
    private const int Last = 0x2FFFF;

    [Fact]
    public void Encode_EveryCharacter_MatchesHuggingFaceReferenceExceptKnownDeviations()
    {
        var mismatches = new List<string>();
        var destination = new long[64];
        for (int i = 0; i < reference.CodePoints.Count; i++)
        {
            int value = reference.CodePoints[i];
            int count = reference.Tokenizer.Encode(Text(value), destination);
            if (!destination.AsSpan(0, count).SequenceEqual(reference.Expected[i]))
            {
                mismatches.Add($"U+{value:X4} ours {string.Join(' ', destination[..count])} HF {string.Join(' ', reference.Expected[i])}");
            }
        }

        Assert.True(reference.CodePoints.Count > 60_000, $"only {reference.CodePoints.Count} code points compared");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} differ:\n" + string.Join('\n', mismatches.Take(30)));
    }

    private static string Text(int value)
    {
        string character = char.ConvertFromUtf32(value);
        return "a" + character + "b x" + character + " " + character;
    }

    /// <summary>
    /// Where the JS reference is known to deviate from HF's Rust/Python tokenizers (see the tricky-input tests):
    /// unassigned code points (JS keeps Cn, HF deletes it; this includes characters newer than .NET's Unicode
    /// tables), CJK ideographs outside the BMP (JS tests UTF-16 units) and capital sigma (JS applies the final-sigma rule).
    /// </summary>
    private static bool IsKnownReferenceDeviation(int value) =>
        CharUnicodeInfo.GetUnicodeCategory(value) == UnicodeCategory.OtherNotAssigned
        || (value > 0xFFFF && BertCharacterRules.IsChineseCharacter(new Rune(value)))
        || value == 0x03A3;

    public sealed class ReferenceFixture : IDisposable
    {
        private readonly BertVocabularyFixture _vocabulary = new();

        public ReferenceFixture()
        {
            var codePoints = new List<int>();
            for (int value = 0; value <= Last; value++)
            {
                if (Rune.IsValid(value) && !IsKnownReferenceDeviation(value))
                {
                    codePoints.Add(value);
                }
            }

            CodePoints = codePoints;
            Expected = ReferenceTokenizer.Encode(_vocabulary.VocabularyPath, codePoints.Select(Text).ToArray());
        }

        public WordPieceTokenizer Tokenizer => _vocabulary.Tokenizer;

        public IReadOnlyList<int> CodePoints { get; }

        public long[][] Expected { get; }

        public void Dispose() => _vocabulary.Dispose();
    }
}
