using System.Collections.Immutable;
using PredictionCluster.Api.NearCache;
using PredictionCluster.Grains.Interfaces;

namespace Tests.NearCache;

public sealed class PredictionNearCacheTests
{
    private static PredictionKey Key(int i) => PredictionKey.Compute("model", $"text {i}");

    private static ImmutableArray<float> Scores(int i) => [i, -i];

    [Fact]
    public void ManyMoreKeysThanCapacity_HoldsAtMostCapacity()
    {
        var cache = new PredictionNearCache(capacity: 1_000);

        for (int i = 0; i < 20_000; i++)
        {
            cache.Add(Key(i), Scores(i));
            Assert.True(cache.Count <= 1_000, $"{cache.Count} entries after {i + 1} adds");
        }
        Assert.False(cache.TryGet(Key(0), out _));
        Assert.True(cache.TryGet(Key(19_999), out var last));
        Assert.Equal(Scores(19_999).ToArray(), last.ToArray());
    }

    [Fact]
    public void KeyAskedForWhileOthersStream_Stays()
    {
        var cache = new PredictionNearCache(capacity: 100);
        cache.Add(Key(-1), Scores(-1));

        for (int i = 0; i < 10_000; i++)
        {
            cache.Add(Key(i), Scores(i));
            if (i % 25 == 0)
            {
                Assert.True(cache.TryGet(Key(-1), out var hot), $"the hot key was evicted after {i} other keys");
                Assert.Equal(Scores(-1).ToArray(), hot.ToArray());
            }
        }
    }

    [Fact]
    public void ConcurrentAddsAndReads_StayBoundedAndAnswerWhatWasAdded()
    {
        var cache = new PredictionNearCache(capacity: 500);

        Parallel.For(0, 8, worker =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                int n = worker * 1_000_000 + i;
                cache.Add(Key(n), Scores(n));
                if (cache.TryGet(Key(n - 3), out var scores))
                {
                    Assert.Equal(Scores(n - 3).ToArray(), scores.ToArray());
                }
            }
        });

        // A rotation may be running while a few adds land in the generation it retires: a little slack.
        Assert.True(cache.Count <= 500 + 8, $"{cache.Count} entries");
    }
}
