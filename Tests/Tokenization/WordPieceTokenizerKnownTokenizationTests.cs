using PredictionCluster.Inference.Tokenization;

namespace Tests.Tokenization;

/// <summary>Well-known bert-base-uncased encodings and the basic rules, on the real vocabulary.</summary>
public sealed class WordPieceTokenizerKnownTokenizationTests(BertVocabularyFixture fixture) : IClassFixture<BertVocabularyFixture>
{
    private readonly WordPieceTokenizer _tokenizer = fixture.Tokenizer;

    [Theory]
    [InlineData("Hello, world!", new long[] { 101, 7592, 1010, 2088, 999, 102 })]
    [InlineData("I love you.", new long[] { 101, 1045, 2293, 2017, 1012, 102 })]
    [InlineData("I hate you.", new long[] { 101, 1045, 5223, 2017, 1012, 102 })]
    [InlineData("HELLO World", new long[] { 101, 7592, 2088, 102 })]
    public void Encode_WellKnownSentences_GivesBertBaseUncasedIds(string text, long[] expected)
    {
        Assert.Equal(expected, Encode(text));
    }

    [Fact]
    public void SpecialTokenIds_AreThoseOfBertBaseUncased()
    {
        Assert.Equal(101, _tokenizer.ClassifierTokenId);
        Assert.Equal(102, _tokenizer.SeparatorTokenId);
        Assert.Equal(0, _tokenizer.PaddingTokenId);
        Assert.Equal(100, _tokenizer.UnknownTokenId);
        Assert.Equal(30522, _tokenizer.VocabularySize);
    }

    [Fact]
    public void Tokenize_RareWord_SplitsIntoContinuationPieces()
    {
        IReadOnlyList<string> pieces = _tokenizer.Tokenize("unaffable tokenization");
        Assert.Equal(["una", "##ffa", "##ble", "token", "##ization"], pieces);
    }

    [Fact]
    public void Tokenize_Contraction_SplitsOnApostrophe()
    {
        Assert.Equal(["don", "'", "t", "stop", "!"], _tokenizer.Tokenize("Don't stop!"));
    }

    [Fact]
    public void Tokenize_PunctuationRun_EachCharacterIsItsOwnToken()
    {
        Assert.Equal(["wow", "!", "!", "!", "?", "?", ".", ".", "."], _tokenizer.Tokenize("wow!!!??..."));
    }

    [Fact]
    public void Tokenize_AsciiSymbols_CountAsPunctuation()
    {
        // $ + < = > ^ ` | ~ are Unicode symbols, but BERT treats all non-alphanumeric printable ASCII as punctuation.
        Assert.Equal(["$", "5", "+", "3", "<", "=", ">", "^", "`", "|", "~"], _tokenizer.Tokenize("$5+3<=>^`|~"));
    }

    [Fact]
    public void Tokenize_SpecialTokenLiteral_IsOrdinaryText()
    {
        // Deliberate: user text cannot inject [SEP]/[MASK] (HF's split_special_tokens=True behaviour).
        Assert.Equal(["[", "mask", "]", "[", "sep", "]"], _tokenizer.Tokenize("[MASK] [SEP]"));
    }

    private long[] Encode(string text)
    {
        var destination = new long[512];
        int count = _tokenizer.Encode(text, destination);
        return destination[..count];
    }
}
