using Grains.Inference.Tokenization;

namespace Tests.Tokenization;

public sealed class WordPieceTokenizerAllocationTests(BertVocabularyFixture fixture) : IClassFixture<BertVocabularyFixture>
{
    [Theory]
    [InlineData("it 's a charming and often affecting journey . ")]
    [InlineData("The unaffable critic hated it, but the audience LOVED it!!!")]
    [InlineData("Crème brûlée in São Paulo: naïve, café-style Ångström 我爱北京 😀")]
    public void Encode_OrdinarySentence_AllocatesNothingAfterWarmup(string text)
    {
        WordPieceTokenizer tokenizer = fixture.Tokenizer;
        Span<long> destination = stackalloc long[128];
        for (int i = 0; i < 10; i++)
        {
            tokenizer.Encode(text, destination);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 100; i++)
        {
            tokenizer.Encode(text, destination);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Encode_LongTextTruncatedTo512_AllocatesNothingAfterWarmup()
    {
        string text = string.Concat(Enumerable.Repeat("The unaffable critic hated it, but the audience loved it! ", 300));
        WordPieceTokenizer tokenizer = fixture.Tokenizer;
        var destination = new long[512];
        tokenizer.Encode(text, destination);

        long before = GC.GetAllocatedBytesForCurrentThread();
        tokenizer.Encode(text, destination);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
