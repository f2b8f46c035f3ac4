using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using Grains.Inference.Model;
using Grains.Interfaces;
using Grains.Storage;
using Microsoft.Extensions.Options;
using Redis;
using Tests.Infrastructure;

namespace Tests.Storage;

/// <summary>Grain storage in a real Redis, read back with redis-cli: key layout, compact values, TTL, misses.</summary>
public sealed class RedisPredictionStoreTests(RedisServerFixture redis, DefaultModelFixture model)
    : IClassFixture<RedisServerFixture>, IClassFixture<DefaultModelFixture>, IAsyncLifetime
{
    private readonly RedisClient _client = new(new RedisOptions { Endpoint = redis.Server.Endpoint });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _client.DisposeAsync();

    private RedisPredictionStore Store(string prefix, TimeSpan timeToLive) =>
        new(_client, model.Model, Options.Create(new StorageOptions { Provider = StorageProvider.Redis, KeyPrefix = prefix, TimeToLive = timeToLive }));

    [Fact]
    public async Task Results_are_stored_under_prefix_model_id_and_key_as_little_endian_floats_with_a_ttl()
    {
        var store = Store("layout:", TimeSpan.FromHours(1));
        var key = PredictionKey.Compute(model.Model.Descriptor.ModelId, "stored once, read by redis-cli");
        float[] scores = [0.25f, 0.75f];

        await store.WriteManyAsync([KeyValuePair.Create(key, scores)], CancellationToken.None);

        string name = $"layout:{model.Model.Descriptor.ModelId}:{key}";
        Assert.Equal(name, store.KeyOf(key));
        byte[] value = await redis.Server.CliRawAsync(null, "GET", name);
        // redis-cli prints the raw bytes followed by a newline: 8 bytes of value for two labels.
        Assert.Equal(2 * sizeof(float), value.Length - 1);
        Assert.Equal(0.25f, BinaryPrimitives.ReadSingleLittleEndian(value));
        Assert.Equal(0.75f, BinaryPrimitives.ReadSingleLittleEndian(value.AsSpan(4)));
        long ttl = long.Parse(await redis.Server.CliAsync("PTTL", name));
        Assert.InRange(ttl, 1, 3_600_000);
    }

    [Fact]
    public async Task A_batch_reads_back_what_was_written_and_null_for_misses()
    {
        var store = Store("batch:", TimeSpan.Zero);
        var keys = Enumerable.Range(0, 50).Select(i => PredictionKey.Compute(model.Model.Descriptor.ModelId, $"text {i}")).ToArray();
        var written = keys.Where((_, i) => i % 2 == 0).Select((k, i) => KeyValuePair.Create(k, new[] { i / 100f, 1 - i / 100f })).ToArray();

        await store.WriteManyAsync(written, CancellationToken.None);
        var read = await store.ReadManyAsync(keys, CancellationToken.None);

        for (int i = 0; i < keys.Length; i++)
        {
            if (i % 2 == 0)
            {
                Assert.Equal(written[i / 2].Value, read[i]);
            }
            else
            {
                Assert.Null(read[i]);
            }
        }
        // TimeToLive zero keeps results until Redis evicts them.
        Assert.Equal("-1", await redis.Server.CliAsync("PTTL", store.KeyOf(keys[0])));
    }

    [Fact]
    public async Task A_value_of_the_wrong_size_reads_as_a_miss()
    {
        var store = Store("foreign:", TimeSpan.Zero);
        var key = PredictionKey.Compute(model.Model.Descriptor.ModelId, "written by something else");
        await redis.Server.CliAsync("SET", store.KeyOf(key), "not four-byte floats");

        Assert.Null((await store.ReadManyAsync([key], CancellationToken.None))[0]);
    }

    [Fact]
    public async Task Embedded_mode_with_redis_storage_persists_what_it_computes()
    {
        await using var factory = EmbeddedApiFactory.With(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Redis",
            ["Storage:KeyPrefix"] = "embedded:",
            ["Redis:Endpoint"] = redis.Server.Endpoint,
        });
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync("/predict", new { text = new[] { "embedded mode keeps this in redis" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await redis.Server.CliAsync("--scan", "--pattern", "embedded:*")).Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "Nothing reached Redis.");
            await Task.Delay(50);
        }
    }
}
