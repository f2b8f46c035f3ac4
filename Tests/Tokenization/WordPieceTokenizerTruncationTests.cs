using PredictionCluster.Inference.Tokenization;

namespace Tests.Tokenization;

public sealed class WordPieceTokenizerTruncationTests(BertVocabularyFixture fixture) : IClassFixture<BertVocabularyFixture>
{
    private readonly WordPieceTokenizer _tokenizer = fixture.Tokenizer;

    [Fact]
    public void Encode_LongText_TruncatesTo512KeepingFirstPieces()
    {
        string text = string.Concat(Enumerable.Repeat("The unaffable critic hated it. ", 200));
        long[] all = PieceIds(text);
        Assert.True(all.Length > 1000);

        var destination = new long[512];
        int count = _tokenizer.Encode(text, destination);

        Assert.Equal(512, count);
        Assert.Equal(101, destination[0]);
        Assert.Equal(102, destination[511]);
        Assert.Equal(all[..510], destination[1..511]);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    public void Encode_SmallDestination_KeepsLengthMinusTwoPieces(int length)
    {
        // "unaffable" is three pieces: truncation may cut inside a word, as HF's does.
        const string text = "unaffable movie, truly!";
        long[] all = PieceIds(text);
        var destination = new long[length];

        int count = _tokenizer.Encode(text, destination);

        Assert.Equal(Math.Min(length, all.Length + 2), count);
        Assert.Equal(101, destination[0]);
        Assert.Equal(102, destination[count - 1]);
        Assert.Equal(all[..(count - 2)], destination[1..(count - 1)]);
    }

    [Fact]
    public void Encode_DestinationLargerThanNeeded_LeavesRestUntouched()
    {
        var destination = Enumerable.Repeat(-1L, 10).ToArray();
        int count = _tokenizer.Encode("hello", destination);
        Assert.Equal(3, count);
        Assert.Equal([101L, 7592L, 102L, -1L], destination[..4]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Encode_DestinationShorterThanTwo_Throws(int length)
    {
        Assert.Throws<ArgumentException>(() => _tokenizer.Encode("hello", new long[length]));
    }

    private long[] PieceIds(string text)
    {
        var destination = new long[100_000];
        int count = _tokenizer.Encode(text, destination);
        return destination[1..(count - 1)];
    }
}
