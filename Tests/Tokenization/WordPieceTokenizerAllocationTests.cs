using PredictionCluster.Inference.Tokenization;

namespace Tests.Tokenization;

/// <summary>
/// The hot path's garbage: Microsoft.ML.Tokenizers returns a fresh list of ids per call, which is all Encode may
/// allocate (normalized text is on the stack, word splits are reused per thread). Bounds, not exact figures: the
/// list's growth depends on the package's version. The measured figures are in Inference/Tokenization/README.md.
/// </summary>
public sealed class WordPieceTokenizerAllocationTests(BertVocabularyFixture fixture) : IClassFixture<BertVocabularyFixture>
{
    [Theory]
    [InlineData("it 's a charming and often affecting journey . ")]
    [InlineData("The unaffable critic hated it, but the audience LOVED it!!!")]
    [InlineData("Crème brûlée in São Paulo: naïve, café-style Ångström 我爱北京 😀")]
    public void Encode_OrdinarySentence_AllocatesOnlyTheIdList(string text)
    {
        // A list of up to 32 ints: the object, its arrays of 4, 8, 16 and 32 ids; about 400 bytes.
        Assert.InRange(BytesPerCall(text, new long[128]), 0, 512);
    }

    [Fact]
    public void Encode_LongTextTruncatedTo512_StopsReadingOnceFull()
    {
        // Ten times the text costs no more: Encode stops at the chunk that fills the destination.
        string sentence = "The unaffable critic hated it, but the audience loved it! ";
        double longText = BytesPerCall(string.Concat(Enumerable.Repeat(sentence, 300)), new long[512]);
        double tenTimesLonger = BytesPerCall(string.Concat(Enumerable.Repeat(sentence, 3000)), new long[512]);
        Assert.InRange(longText, 0, 16 * 1024);
        Assert.InRange(tenTimesLonger, 0, longText + 1024);
    }

    // The fewest bytes per call of five rounds: a one-off refill of the shared ArrayPool (which a gen-2 collection
    // caused by tests running in parallel may trim at any time) shows in one round at most.
    private double BytesPerCall(string text, long[] destination)
    {
        WordPieceTokenizer tokenizer = fixture.Tokenizer;
        for (int i = 0; i < 10; i++)
        {
            tokenizer.Encode(text, destination);
        }

        const int Calls = 20;
        var rounds = new double[5];
        for (int round = 0; round < rounds.Length; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Calls; i++)
            {
                tokenizer.Encode(text, destination);
            }

            rounds[round] = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)Calls;
        }

        return rounds.Min();
    }
}
