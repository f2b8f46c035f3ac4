using System.Text;
using PredictionCluster.Inference.Tokenization;

namespace Tests.Tokenization;

/// <summary>
/// Every SST-2 dev and test sentence plus a list of tricky strings, tokenized by our tokenizer (Microsoft.ML.Tokenizers
/// with our normalizer and pre-tokenizer) and by Hugging Face's JS tokenizers configured as bert-base-uncased (one
/// node run for the whole batch): the ids must be equal.
/// </summary>
public sealed class WordPieceTokenizerDifferentialTests(WordPieceTokenizerDifferentialTests.ReferenceFixture reference)
    : IClassFixture<WordPieceTokenizerDifferentialTests.ReferenceFixture>
{
    // Cases where the JS reference is known to deviate from HF's Rust/Python tokenizers are left out here and
    // pinned down in WordPieceTokenizerTrickyInputTests instead: word-final capital sigma (JS lowercases with
    // String.toLowerCase, which yields ς), CJK ideographs outside the BMP (JS checks UTF-16 units), unassigned
    // code points (JS does not delete Cn) and lone surrogates (not valid JSON text).
    public static readonly string[] TrickyTexts =
    [
        "Hello, world!", "I love you.", "I hate you.", "", " ", "\t\n\r ",
        "café", "naïve", "Ångström", "Crème brûlée in São Paulo and Zürich", "A\u030Angstro\u0308m", "\u212Bngstr\u00F6m",
        "Tiếng Việt có dấu", "İstanbul ıi ß ẞ", "Ǆemal ǅ ǆ", "ﬁne ﬂour", "Ⅻ ① ²", "Kelvin \u212A", "Ω ohm \u2126",
        "我爱北京天安门", "日本語のテキストです", "한국어 텍스트 입니다", "abc中文def", "\uF900\uF901 compatibility ideographs",
        "I love it 😀👍🏽", "❤️ heart", "👨‍👩‍👧 family", "abc😀def", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
        "a\u0000b", "a\u0001b\u007Fc", "tab\tnew\nline\r\nend", "\u000Bvertical\u000Cform feed", "next\u0085line",
        "zero\u200Bwidth", "zw\u200Cnj\u200Dj", "\uFEFFbom", "co\u00ADoperate", "a\u00A0b", "\u2003em space", "\u3000ideographic",
        "line\u2028separator\u2029paragraph", "a\uE000b private use",
        new string('a', 99), new string('a', 100), new string('a', 101), "x " + new string('b', 150) + " y",
        string.Concat(Enumerable.Repeat("é", 101)), string.Concat(Enumerable.Repeat("e\u0301", 100)),
        "\u2603 snowman", "ℵ aleph", "ᚠᛇᚻ runes", "hello ab\u2603cd world",
        "!!!???...", "—em–dash-", "«guillemets» „low“ ‚single‘", "“smart quotes” ‘and’", "$100 + 5% = <tag> ^ ` | ~ @#&*",
        "don't won't y'all", "e-mail U.S.A. 3.14159 1,000,000 2nd", "(parens) [brackets] {braces}", "¿Qué? ¡Olé!",
        "Москва ПРИВЕТ мир", "Αθήνα ΑΘΗΝΑ", "مرحبا بالعالم", "שָׁלוֹם", "नमस्ते दुनिया", "สวัสดีครับ", "Ελληνικά",
        "１２３ ＡＢＣ fullwidth", "\u0301leading combining mark", "[CLS] [SEP] [MASK] [UNK] [PAD]", "##hash ## #",
        "unaffable tokenization", "The quick brown fox jumps over the lazy dog.",
        string.Concat(Enumerable.Repeat("The unaffable critic hated it, but the audience loved it! ", 60)),
        string.Concat(Enumerable.Repeat("word,", 1500)), string.Concat(Enumerable.Repeat("我爱北京", 600)),
    ];

    public static IReadOnlyList<string> Sst2DevSentences() => Infrastructure.Sst2.DevSentences;

    public static IReadOnlyList<string> Sst2TestSentences() =>
        [.. File.ReadLines(Infrastructure.RepositoryPaths.Sst2Test).Skip(1).Select(line => line.Split('\t')[0])];

    [Fact]
    public void Encode_EverySst2DevSentence_MatchesHuggingFaceReference()
    {
        AssertMatches(reference.Sst2, reference.Sst2Reference, expectedCount: 872);
    }

    [Fact]
    public void Encode_EverySst2TestSentence_MatchesHuggingFaceReference()
    {
        AssertMatches(reference.Sst2Test, reference.Sst2TestReference, expectedCount: 1821);
    }

    [Fact]
    public void Tokenize_ThroughThePackagePipeline_MatchesHuggingFaceReference()
    {
        // Tokenize runs the package's own pipeline (our normalizer's string overload, our lazy pre-tokenizer), where
        // Encode hands it pre-normalized text: both must be HF's pieces.
        string[] tokensById = File.ReadAllLines(reference.VocabularyPath);
        for (int i = 0; i < TrickyTexts.Length; i++)
        {
            string[] expected = [.. reference.TrickyReference[i][1..^1].Select(id => tokensById[id])];
            Assert.Equal(expected, reference.Tokenizer.Tokenize(TrickyTexts[i]));
        }
    }

    [Fact]
    public void Encode_TruncatedTo512_MatchesTruncatedReference()
    {
        // HF truncation of a single sequence keeps the first max_length - 2 pieces, then [SEP].
        for (int i = 0; i < TrickyTexts.Length; i++)
        {
            long[] full = reference.TrickyReference[i];
            long[] expected = full.Length <= 512 ? full : [.. full[..511], 102];
            var destination = new long[512];
            int count = reference.Tokenizer.Encode(TrickyTexts[i], destination);
            Assert.Equal(expected, destination[..count]);
        }
    }

    private void AssertMatches(IReadOnlyList<string> texts, long[][] expected, int expectedCount)
    {
        Assert.Equal(expectedCount, texts.Count);
        var mismatches = new List<string>();
        for (int i = 0; i < texts.Count; i++)
        {
            var destination = new long[expected[i].Length + 64];
            int count = reference.Tokenizer.Encode(texts[i], destination);
            long[] actual = destination[..count];
            if (!actual.AsSpan().SequenceEqual(expected[i]))
            {
                mismatches.Add($"{Escape(texts[i])}\n  ours: {string.Join(' ', actual)}\n  HF:   {string.Join(' ', expected[i])}");
            }
        }

        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {texts.Count} differ:\n" + string.Join('\n', mismatches.Take(20)));
    }

    private static string Escape(string text)
    {
        string shown = text.Length > 120 ? text[..120] + "…" : text;
        var builder = new StringBuilder();
        foreach (char c in shown)
        {
            builder.Append(c < 0x20 || c is >= '\u007F' and <= '\u00A0' || c is >= '\u2000' and <= '\u200F' || c == '\uFEFF'
                ? $"\\u{(int)c:X4}"
                : c.ToString());
        }

        return builder.ToString();
    }

    /// <summary>Loads the tokenizer and runs the reference once for all texts of this class.</summary>
    public sealed class ReferenceFixture : IDisposable
    {
        private readonly BertVocabularyFixture _vocabulary = new();

        public ReferenceFixture()
        {
            Sst2 = Sst2DevSentences();
            Sst2Test = Sst2TestSentences();
            long[][] all = ReferenceTokenizer.Encode(_vocabulary.VocabularyPath, [.. Sst2, .. Sst2Test, .. TrickyTexts]);
            Sst2Reference = all[..Sst2.Count];
            Sst2TestReference = all[Sst2.Count..(Sst2.Count + Sst2Test.Count)];
            TrickyReference = all[(Sst2.Count + Sst2Test.Count)..];
        }

        public WordPieceTokenizer Tokenizer => _vocabulary.Tokenizer;

        public string VocabularyPath => _vocabulary.VocabularyPath;

        public IReadOnlyList<string> Sst2 { get; }

        public long[][] Sst2Reference { get; }

        public IReadOnlyList<string> Sst2Test { get; }

        public long[][] Sst2TestReference { get; }

        public long[][] TrickyReference { get; }

        public void Dispose() => _vocabulary.Dispose();
    }
}
