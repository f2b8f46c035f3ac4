using System.Net;
using System.Net.Http.Json;
using System.Text;
using PredictionCluster.Grains.Storage;
using Microsoft.Extensions.Options;
using PredictionCluster.Silo.Hosting;
using StackExchange.Redis;
using Tests.Infrastructure;

namespace Tests.Storage;

/// <summary>
/// Which Redis the predictions land in, on a cluster of real processes' code (<see cref="LocalCluster"/>: a real
/// redis-server for the member table, a second one for predictions when <c>Storage:Redis</c> names it), and the start
/// refused for a <c>Storage</c> section that cannot be used.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class StorageRedisTests
{
    private const int Texts = 20;
    private static readonly TimeSpan StoredTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task StorageRedisConfigured_PredictionsLandThereWithoutExpiry_AndNoneInTheMembershipRedis()
    {
        await using var storage = await RedisServer.StartAsync();
        await using var cluster = await LocalCluster.StartAsync(silos: 1, modelPath: RepositoryPaths.LexiconModel, siloSettings: new Dictionary<string, string?>
        {
            ["Storage:Redis:Endpoint"] = storage.Endpoint,
            ["Storage:Redis:ConnectTimeout"] = "00:00:00.500",
            ["Storage:Redis:CommandTimeout"] = "00:00:01",
            ["Storage:TimeToLive"] = "0",
        });
        var membershipBefore = await KeysAsync(cluster.Redis);

        await PredictAsync(cluster, "own redis");

        await WaitUntil.TrueAsync(async () => (await KeysAsync(storage)).Count == Texts, StoredTimeout, $"{Texts} predictions in the storage Redis");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(storage.Endpoint);
        foreach (var key in await KeysAsync(storage))
        {
            Assert.Equal(PredictionRedisKey.Size, key.Length);
            Assert.Null(await connection.GetDatabase().KeyTimeToLiveAsync(key));
        }
        // The member table's Redis holds what it held before: the member table, no prediction.
        var membershipAfter = await KeysAsync(cluster.Redis);
        Assert.Equal(membershipBefore.Select(Encoding.UTF8.GetString).Order(), membershipAfter.Select(Encoding.UTF8.GetString).Order());
        Assert.All(membershipAfter, key => Assert.Contains(cluster.SharedSettings["Orleans:ClusterId"]!, Encoding.UTF8.GetString(key)));
    }

    [Fact]
    public async Task OnlyTopLevelRedisConfigured_PredictionsShareItWithTheMemberTable_WithTheirTimeToLive()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 1, modelPath: RepositoryPaths.LexiconModel);
        int before = (await KeysAsync(cluster.Redis)).Count;

        await PredictAsync(cluster, "shared redis");

        await WaitUntil.TrueAsync(async () => (await KeysAsync(cluster.Redis)).Count(k => k.Length == PredictionRedisKey.Size) == Texts,
            StoredTimeout, $"{Texts} predictions in the shared Redis");
        await using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.Redis.Endpoint);
        var predictions = (await KeysAsync(cluster.Redis)).Where(k => k.Length == PredictionRedisKey.Size).ToArray();
        foreach (var key in predictions)
        {
            var ttl = await connection.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.True(ttl > TimeSpan.FromHours(23) && ttl <= TimeSpan.FromDays(1), $"TTL {ttl}");
        }
        Assert.Equal(before + Texts, (await KeysAsync(cluster.Redis)).Count);
    }

    [Theory]
    [InlineData("Storage:Redis:Endpoint", "127.0.0.1:6379,127.0.0.1:6380", "Storage:Redis:Endpoint must name one Redis")]
    [InlineData("Storage:Redis:Database", "-1", "Storage:Redis:Database must be 0 or more")]
    [InlineData("Storage:Redis:CommandTimeout", "00:00:00", "Storage:Redis:CommandTimeout must be positive")]
    [InlineData("Storage:Redis:Password", "a password for no Redis", "Storage:Redis:Endpoint is empty but Storage:Redis has a user or password")]
    [InlineData("Storage:TimeToLive", "-00:00:01", "Storage:TimeToLive must be 0 (no expiry) or positive")]
    [InlineData("Storage:ReadTimeout", "00:00:00", "Storage:ReadTimeout must be from 1 ms to 00:00:05, not 00:00:00")]
    [InlineData("Storage:WriteTimeout", "00:05:00", "Storage:WriteTimeout must be from 1 ms to 00:01:00, not 00:05:00")]
    [InlineData("Storage:WriteQueueCapacity", "0", "Storage:WriteQueueCapacity must be from 1 to 1000000, not 0")]
    public async Task BadStorageSection_StopsTheSilosStart_NamingTheKey(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Model:Path"] = RepositoryPaths.LexiconModel,
            ["Redis:Endpoint"] = "127.0.0.1:1",
            ["Storage:Redis:Endpoint"] = key == "Storage:Redis:Password" ? null : "127.0.0.1:2",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{FreePort.Reserve()}",
            [key] = value,
        };
        await using var host = SiloHost.Build(LocalCluster.ContentRootArguments("Silo"), settings);

        var refusal = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(message, refusal.Message);
    }

    /// <summary>Asks the API for <see cref="Texts"/> new texts, each a new key.</summary>
    private static async Task PredictAsync(LocalCluster cluster, string tag)
    {
        var texts = Enumerable.Range(0, Texts).Select(i => $"{tag} {i} {Guid.NewGuid()}").ToArray();
        using var response = await cluster.Client.PostAsJsonAsync("predict", new { text = texts });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Every key of <paramref name="redis"/>, as raw bytes (a prediction's key is binary).</summary>
    private static async Task<List<byte[]>> KeysAsync(RedisServer redis)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync($"{redis.Endpoint},allowAdmin=true");
        var keys = new List<byte[]>();
        await foreach (var key in connection.GetServer(connection.GetEndPoints()[0]).KeysAsync(pageSize: 1000))
        {
            keys.Add(key!);
        }
        return keys;
    }
}
