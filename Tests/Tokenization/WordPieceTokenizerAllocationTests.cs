using Inference.Tokenization;

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

        // The fewest bytes of five rounds of 100 calls: a per-call allocation shows in every round, while a one-off
        // refill of the shared ArrayPool (which a gen-2 collection caused by tests running in parallel may trim
        // at any time) shows in one round at most.
        var rounds = new long[5];
        for (int round = 0; round < rounds.Length; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 100; i++)
            {
                tokenizer.Encode(text, destination);
            }
            rounds[round] = GC.GetAllocatedBytesForCurrentThread() - before;
        }

        Assert.True(rounds.Min() == 0, $"bytes allocated per round of 100 calls: {string.Join(", ", rounds)}");
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
