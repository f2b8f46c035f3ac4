using PredictionCluster.Inference.Tokenization;

namespace Tests.Tokenization;

/// <summary>Normalization and edge cases, asserted as pieces so a failure reads as text.</summary>
public sealed class WordPieceTokenizerTrickyInputTests(BertVocabularyFixture fixture) : IClassFixture<BertVocabularyFixture>
{
    private readonly WordPieceTokenizer _tokenizer = fixture.Tokenizer;

    [Theory]
    [InlineData("café", "cafe")]
    [InlineData("naïve", "naive")]
    [InlineData("Ångström", "angstrom")]
    [InlineData("A\u030Angstro\u0308m", "angstrom")] // already decomposed input
    [InlineData("\u212Bngström", "angstrom")] // ANGSTROM SIGN decomposes to Å
    [InlineData("Crème Brûlée", "creme brulee")]
    [InlineData("İstanbul", "istanbul")] // accent stripping happens before lowercasing, as in HF
    public void Encode_Accents_StrippedLikeHuggingFace(string text, string plain)
    {
        Assert.Equal(_tokenizer.Tokenize(plain), _tokenizer.Tokenize(text));
    }

    [Fact]
    public void Encode_Hangul_DecomposesIntoJamoLikeHuggingFace()
    {
        // NFD turns each syllable into conjoining jamo; HF does the same, so Korean becomes jamo pieces.
        Assert.Equal(_tokenizer.Tokenize("\u1112\u1161\u11AB"), _tokenizer.Tokenize("한"));
    }

    [Fact]
    public void Encode_ChineseCharacters_EachIsItsOwnWord()
    {
        Assert.Equal(["我", "北", "京", "[UNK]"], _tokenizer.Tokenize("我北京爱")); // 爱 (simplified) is not in the vocabulary
        Assert.Equal(["abc", "中", "def"], _tokenizer.Tokenize("abc中def"));
    }

    [Fact]
    public void Encode_SupplementaryIdeograph_IsSpacedLikeHuggingFace()
    {
        // U+20000 is in CJK Extension B: its own word, and not in the vocabulary.
        Assert.Equal(["a", "[UNK]", "b"], _tokenizer.Tokenize("a\U00020000b"));
    }

    [Fact]
    public void Encode_Emoji_IsUnknownWord()
    {
        Assert.Equal(["i", "love", "it", "[UNK]"], _tokenizer.Tokenize("I love it 😀"));
        Assert.Equal(["[UNK]"], _tokenizer.Tokenize("abc😀def"));
    }

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("a\u0001b")]
    [InlineData("a\u007Fb")]
    [InlineData("a\uFFFDb")]
    [InlineData("a\u000Bb")] // vertical tab is a control character, not whitespace, for BERT
    [InlineData("a\u0085b")]
    [InlineData("a\u200Bb")] // zero width space (Cf)
    [InlineData("a\u200Db")] // zero width joiner
    [InlineData("a\uFEFFb")]
    [InlineData("a\u00ADb")] // soft hyphen
    [InlineData("a\u0378b")] // unassigned
    [InlineData("a\uE000b")] // private use
    [InlineData("a\uD800b")] // lone surrogate
    public void Encode_ControlAndInvisibleCharacters_AreRemoved(string text)
    {
        Assert.Equal(["ab"], _tokenizer.Tokenize(text));
    }

    [Theory]
    [InlineData("a\tb")]
    [InlineData("a\nb")]
    [InlineData("a\r\nb")]
    [InlineData("a\u00A0b")]
    [InlineData("a\u2003b")]
    [InlineData("a\u3000b")]
    [InlineData("a\u2028b")]
    [InlineData("  a \t\n b  ")]
    public void Encode_WhitespaceVariants_SeparateWords(string text)
    {
        Assert.Equal(["a", "b"], _tokenizer.Tokenize(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" \t\r\n\u00A0\u3000 ")]
    [InlineData("\u200B\u0000")]
    public void Encode_EmptyOrWhitespaceOnly_GivesClsSep(string text)
    {
        var destination = new long[8];
        int count = _tokenizer.Encode(text, destination);
        Assert.Equal([101L, 102L], destination[..count]);
    }

    [Fact]
    public void Encode_WordOfMoreThan100Characters_IsUnknown()
    {
        Assert.Equal(["[UNK]"], _tokenizer.Tokenize(new string('a', 101)));
        Assert.Equal(["x", "[UNK]", "y"], _tokenizer.Tokenize("x " + new string('a', 101) + " y"));
        // 100 characters is still allowed; the limit counts characters after normalization.
        Assert.DoesNotContain("[UNK]", _tokenizer.Tokenize(new string('a', 100)));
        Assert.DoesNotContain("[UNK]", _tokenizer.Tokenize(string.Concat(Enumerable.Repeat("e\u0301", 100))));
    }

    [Fact]
    public void Encode_UnmatchableCharacterInsideWord_MakesWholeWordUnknown()
    {
        Assert.Equal(["hello", "[UNK]", "world"], _tokenizer.Tokenize("hello ab\u2603cd world"));
    }

    [Fact]
    public void Encode_GreekFinalSigma_LowercasedPerCharacterLikeRustTokenizers()
    {
        // HF's Rust normalizer lowercases character by character, so a final capital sigma becomes σ, not ς.
        Assert.Equal(_tokenizer.Tokenize("οδοσ"), _tokenizer.Tokenize("ΟΔΟΣ"));
    }

    [Fact]
    public void Encode_LongRunWithoutWhitespace_MatchesSpacedEquivalent()
    {
        // Longer than the normalization chunk and without a word separator: exercises the pooled buffer path.
        string punctuated = string.Concat(Enumerable.Repeat("word,", 2000));
        string expectedPieces = string.Join(' ', _tokenizer.Tokenize(punctuated));
        Assert.Equal(4000, _tokenizer.Tokenize(punctuated).Count);
        Assert.StartsWith("word , word ,", expectedPieces);
        string cjk = string.Concat(Enumerable.Repeat("我爱北京", 1000));
        Assert.Equal(4000, _tokenizer.Tokenize(cjk).Count);
    }

    [Fact]
    public void Encode_ConcurrentCallers_GetTheSameIdsAsSequential()
    {
        string[] texts = [.. WordPieceTokenizerDifferentialTests.TrickyTexts, .. WordPieceTokenizerDifferentialTests.Sst2DevSentences()];
        long[][] sequential = texts.Select(Encode).ToArray();
        var concurrent = new long[texts.Length][];
        Parallel.For(0, texts.Length * 4, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int index = i % texts.Length;
            concurrent[index] = Encode(texts[index]);
        });

        Assert.Equal(sequential, concurrent);
    }

    [Fact]
    public void Encode_ChunkBoundaries_DoNotChangeTheResult()
    {
        // Many words with whitespace of every kind, long enough to span several normalization chunks.
        var builder = new System.Text.StringBuilder();
        string[] separators = [" ", "\t", "\n", "\r\n", "\u00A0", "\u000B", "\u3000"];
        for (int i = 0; i < 3000; i++)
        {
            builder.Append(i % 3 == 0 ? "Café" : i % 3 == 1 ? "naïve's" : "北京").Append(separators[i % separators.Length]);
        }

        string text = builder.ToString();
        IReadOnlyList<string> whole = _tokenizer.Tokenize(text);
        var concatenated = new List<string>();
        foreach (string part in text.Split(' '))
        {
            concatenated.AddRange(_tokenizer.Tokenize(part));
        }

        Assert.Equal(concatenated, whole);
    }

    private long[] Encode(string text)
    {
        var destination = new long[4096];
        int count = _tokenizer.Encode(text, destination);
        return destination[..count];
    }
}
