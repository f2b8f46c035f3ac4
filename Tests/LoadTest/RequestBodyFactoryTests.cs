using System.Buffers;
using System.Text.Json;
using LoadRunner.Workload;

namespace Tests.LoadTest;

public sealed class RequestBodyFactoryTests
{
    private static readonly string[] Sentences = ["a fine film .", "\"quoted\" and \\ back-slashed", "naïve café – ünïcode", "dull"];

    [Fact]
    public void PoolBodies_EachValidJsonOfPoolTextsTogetherCoveringThePool()
    {
        var factory = new RequestBodyFactory(Sentences, poolSize: 6, textsPerRequest: 3, cacheRate: 1, runTag: "tag");

        var bodies = factory.PoolBodies.Select(Texts).ToList();

        Assert.Equal(6, bodies.Count);
        Assert.All(bodies, texts => Assert.Equal(3, texts.Length));
        Assert.Equal(factory.PoolTexts.ToHashSet(), bodies.SelectMany(t => t).ToHashSet());
        Assert.Equal(6, factory.PoolTexts.Distinct().Count()); // a pool larger than the corpus still has distinct texts
        Assert.Equal(Sentences, factory.PoolTexts.Take(Sentences.Length));
    }

    [Fact]
    public void Next_CacheRateOne_OnlyPoolBodies()
    {
        var factory = new RequestBodyFactory(Sentences, poolSize: 3, textsPerRequest: 1, cacheRate: 1, runTag: "tag");

        for (int i = 0; i < 200; i++)
        {
            var body = factory.Next();
            Assert.False(body.Rented);
            Assert.Contains(Texts(body)[0], factory.PoolTexts);
        }
    }

    [Fact]
    public void Next_CacheRateZero_ValidJsonOfTextsNeverSeenBefore()
    {
        var factory = new RequestBodyFactory(Sentences, poolSize: 3, textsPerRequest: 2, cacheRate: 0, runTag: "0badcafe");
        var seen = new HashSet<string>();

        for (int i = 0; i < 500; i++)
        {
            var body = factory.Next();
            Assert.True(body.Rented);
            string[] texts = Texts(body);
            ArrayPool<byte>.Shared.Return(body.Buffer);
            Assert.Equal(2, texts.Length);
            foreach (string text in texts)
            {
                Assert.True(seen.Add(text), $"'{text}' sent twice");
                // A corpus sentence, then only whitespace (which tokenizers drop): the model sees the sentence itself.
                string sentence = text.TrimEnd(' ', '\t', '\n', '\r');
                Assert.Contains(sentence, Sentences);
                Assert.True(text.Length > sentence.Length + 32, "the whitespace spells the run tag and the counter");
            }
        }
    }

    [Fact]
    public void Next_NewTextsOfTwoRuns_NeverTheSame()
    {
        var first = new RequestBodyFactory(Sentences, poolSize: 1, textsPerRequest: 1, cacheRate: 0, runTag: "0badcafe");
        var second = new RequestBodyFactory(Sentences, poolSize: 1, textsPerRequest: 1, cacheRate: 0, runTag: "0badcaff");
        var texts = new HashSet<string>();

        for (int i = 0; i < 200; i++)
        {
            Assert.True(texts.Add(Texts(first.Next())[0]));
            Assert.True(texts.Add(Texts(second.Next())[0]));
        }
    }

    [Fact]
    public void Next_CacheRateHalf_AboutHalfFromPool()
    {
        var factory = new RequestBodyFactory(Sentences, poolSize: 3, textsPerRequest: 1, cacheRate: 0.5, runTag: "tag");

        int pool = Enumerable.Range(0, 4000).Count(_ => !factory.Next().Rented);

        Assert.InRange(pool, 1700, 2300);
    }

    private static string[] Texts(byte[] body) => Texts(new RequestBody(body, body.Length, false));

    private static string[] Texts(RequestBody body)
    {
        using var document = JsonDocument.Parse(body.Buffer.AsMemory(0, body.Length));
        return document.RootElement.GetProperty("text").EnumerateArray().Select(t => t.GetString()!).ToArray();
    }
}
