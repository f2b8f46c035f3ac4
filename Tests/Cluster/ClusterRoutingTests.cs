using Api.Routing;
using Grains.Interfaces;
using Grains.Membership;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>Keys spread over silos, each owned by one; a joining silo takes over its share.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterRoutingTests
{
    [Fact]
    public void Rendezvous_hashing_spreads_10000_keys_evenly_over_3_silos()
    {
        ClusterMember[] members = [new("silo-1", new Uri("http://a")), new("silo-2", new Uri("http://b")), new("silo-3", new Uri("http://c"))];
        var owned = new int[members.Length];
        for (int i = 0; i < 10_000; i++)
        {
            owned[RendezvousHashing.Owner(PredictionKey.Compute("model", $"text {i}"), members)]++;
        }
        Assert.All(owned, count => Assert.InRange(count, 2_500, 4_200));
    }

    [Fact]
    public void Removing_a_silo_moves_only_its_keys()
    {
        ClusterMember[] three = [new("silo-1", new Uri("http://a")), new("silo-2", new Uri("http://b")), new("silo-3", new Uri("http://c"))];
        ClusterMember[] two = [three[0], three[2]];
        for (int i = 0; i < 2_000; i++)
        {
            var key = PredictionKey.Compute("model", $"text {i}");
            var before = three[RendezvousHashing.Owner(key, three)];
            var after = two[RendezvousHashing.Owner(key, two)];
            if (before != three[1])
            {
                Assert.Same(before, after);
            }
            // The fallback order is the order without the failed member.
            Assert.Same(after, three[RendezvousHashing.Owner(key, three, excluded: three[1])]);
        }
    }

    [Fact]
    public async Task Each_key_is_active_on_exactly_its_owner_and_owners_spread_over_the_silos()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 3);
        var texts = ClusterClient.Texts(300, nameof(Each_key_is_active_on_exactly_its_owner_and_owners_spread_over_the_silos));
        foreach (var chunk in texts.Chunk(50))
        {
            await ClusterClient.PredictAsync(cluster.Client, chunk);
        }

        foreach (var text in texts)
        {
            var key = cluster.KeyOf(text);
            var active = cluster.Silos.Where(s => s.Activations.IsActive(key)).Select(s => s.Id).ToArray();
            Assert.Equal([cluster.OwnerOf(key).Id], active);
        }
        // Every silo owns a fair share of 300 keys (expected 100 each).
        Assert.All(cluster.Silos, silo => Assert.InRange(silo.Activations.Count, 60, 140));
        Assert.Equal(texts.Length, cluster.Silos.Sum(s => s.Inferences));
    }

    [Fact]
    public async Task A_joining_silo_takes_over_its_share_of_keys_from_redis()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 2);
        var texts = ClusterClient.Texts(300, nameof(A_joining_silo_takes_over_its_share_of_keys_from_redis));
        var first = new List<float[]>();
        foreach (var chunk in texts.Chunk(50))
        {
            first.AddRange(await ClusterClient.PredictAsync(cluster.Client, chunk));
        }
        await WaitForStoredAsync(cluster, texts.Length);

        var joined = await cluster.StartSiloAsync("silo-3");
        await cluster.WaitForMembersAsync(3);
        int moved = texts.Count(t => cluster.OwnerOf(cluster.KeyOf(t)) == joined);
        Assert.InRange(moved, 60, 140);

        var second = new List<float[]>();
        foreach (var chunk in texts.Chunk(50))
        {
            second.AddRange(await ClusterClient.PredictAsync(cluster.Client, chunk));
        }
        Assert.Equal(first, second);
        // The new owner answered its keys from Redis; nothing was inferred twice anywhere.
        Assert.Equal(moved, joined.Predictions.Count(PredictionSource.Storage));
        Assert.Equal(0, joined.Inferences);
        Assert.Equal(texts.Length, cluster.Silos.Sum(s => s.Inferences));
    }

    /// <summary>Waits until Redis holds <paramref name="count"/> results (writes land just after answers).</summary>
    internal static async Task WaitForStoredAsync(TestCluster cluster, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            string keys = await cluster.Redis.CliAsync("--scan", "--pattern", "prediction:*");
            int stored = keys.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            if (stored >= count)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"Redis holds {stored} results, expected {count}.");
            await Task.Delay(50);
        }
    }
}
