using System.Text;
using Redis;
using Tests.Infrastructure;

namespace Tests.Redis;

/// <summary>Batches go out in one write; concurrent callers share connections and each gets its own reply.</summary>
public sealed class RedisPipeliningTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>
{
    private readonly RedisServer _server = fixture.Server;

    [Fact]
    public async Task A_batch_of_a_thousand_SETs_is_one_socket_write()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint });
        await client.PingAsync();
        long writes = client.SocketWrites;

        var batch = client.CreateBatch();
        var sets = new Task[1000];
        for (int i = 0; i < sets.Length; i++)
        {
            sets[i] = batch.SetAsync($"pipe:batch:{i}", Encoding.ASCII.GetBytes($"value-{i}"));
        }
        Assert.DoesNotContain(sets, task => task.IsCompleted);
        Assert.Equal(writes, client.SocketWrites);
        await batch.ExecuteAsync();

        Assert.Equal(1, client.SocketWrites - writes);
        Assert.All(sets, task => Assert.True(task.IsCompletedSuccessfully));
        var keys = Enumerable.Range(0, 1000).Select(i => $"pipe:batch:{i}").ToArray();
        var values = await client.GetManyAsync(keys);
        Assert.Equal(keys.Select((_, i) => $"value-{i}"), values.Select(value => Encoding.ASCII.GetString(value!)));
        Assert.Equal("value-999", await _server.CliAsync("GET", "pipe:batch:999"));
    }

    [Fact]
    public async Task Each_batched_command_carries_its_own_outcome_and_execute_throws_the_first_failure()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint });
        await _server.CliAsync("SET", "pipe:mixed:string", "v");
        await _server.CliAsync("SET", "pipe:mixed:doomed", "v");

        var batch = client.CreateBatch();
        var set = batch.SetAsync("pipe:mixed:a", "1"u8.ToArray(), TimeSpan.FromMinutes(1));
        var hset = batch.HashSetAsync("pipe:mixed:h", [new("f", "1"u8.ToArray()), new("g", "2"u8.ToArray())]);
        var wrongType = batch.HashSetAsync("pipe:mixed:string", [new("f", "1"u8.ToArray())]);
        var expire = batch.ExpireAsync("pipe:mixed:h", TimeSpan.FromMinutes(2));
        var expireMissing = batch.ExpireAsync("pipe:mixed:missing", TimeSpan.FromMinutes(2));
        var delete = batch.DeleteAsync(["pipe:mixed:doomed", "pipe:mixed:missing"]);
        var emptyDelete = batch.DeleteAsync([]);

        var error = await Assert.ThrowsAsync<RedisServerException>(() => batch.ExecuteAsync());
        Assert.StartsWith("WRONGTYPE", error.Message);
        await set;
        Assert.Equal(2, await hset);
        Assert.Same(error, await Assert.ThrowsAsync<RedisServerException>(() => wrongType));
        Assert.True(await expire);
        Assert.False(await expireMissing);
        Assert.Equal(1, await delete);
        Assert.Equal(0, await emptyDelete);
        Assert.InRange(long.Parse(await _server.CliAsync("PTTL", "pipe:mixed:a")), 50_000, 60_000);
        Assert.InRange(long.Parse(await _server.CliAsync("PTTL", "pipe:mixed:h")), 110_000, 120_000);
        Assert.Equal("0", await _server.CliAsync("EXISTS", "pipe:mixed:doomed"));
    }

    [Fact]
    public async Task A_batch_runs_once_and_an_empty_batch_completes()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint });
        await client.CreateBatch().ExecuteAsync();
        var batch = client.CreateBatch();
        var set = batch.SetAsync("pipe:once", "v"u8.ToArray());
        await batch.ExecuteAsync();
        await set;
        await Assert.ThrowsAsync<InvalidOperationException>(() => batch.ExecuteAsync());
        Assert.Throws<InvalidOperationException>(() => { _ = batch.SetAsync("pipe:once", "w"u8.ToArray()); });
    }

    [Fact]
    public async Task Cancelling_a_batch_before_it_runs_cancels_every_command_and_sends_nothing()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint });
        await client.PingAsync();
        long writes = client.SocketWrites;
        var batch = client.CreateBatch();
        var set = batch.SetAsync("pipe:cancelled", "v"u8.ToArray());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => batch.ExecuteAsync(new CancellationToken(canceled: true)));
        Assert.True(set.IsCanceled);
        Assert.Equal(writes, client.SocketWrites);
        Assert.Equal("0", await _server.CliAsync("EXISTS", "pipe:cancelled"));
    }

    [Fact]
    public async Task Two_hundred_concurrent_GETs_each_get_their_own_value()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint });
        var batch = client.CreateBatch();
        for (int i = 0; i < 200; i++)
        {
            _ = batch.SetAsync($"pipe:concurrent:{i}", Encoding.ASCII.GetBytes($"value-{i}-{new string('x', i)}"));
        }
        await batch.ExecuteAsync();

        // Released together, so the GETs really are in flight at the same time.
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var readers = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            await start.Task;
            var value = await client.GetAsync($"pipe:concurrent:{i}");
            return (i, Text: Encoding.ASCII.GetString(value!));
        })).ToArray();
        start.SetResult();
        foreach (var (i, text) in await Task.WhenAll(readers))
        {
            Assert.Equal($"value-{i}-{new string('x', i)}", text);
        }
    }

    [Fact]
    public async Task Mixed_concurrent_traffic_stays_in_step()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint, Connections = 3 });
        var workers = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
        {
            for (int round = 0; round < 25; round++)
            {
                string key = $"pipe:mixed-traffic:{worker}";
                var value = Encoding.ASCII.GetBytes($"{worker}:{round}");
                await client.SetAsync(key, value);
                var get = client.GetAsync(key);
                var hash = client.HashGetAllAsync(key + ":missing");
                var many = client.GetManyAsync([key, key + ":missing"]);
                Assert.Equal(value, await get);
                Assert.Empty(await hash);
                Assert.Equal(value, (await many)[0]);
                Assert.Null((await many)[1]);
            }
        })).ToArray();
        await Task.WhenAll(workers);
    }

    [Fact]
    public async Task Commands_issued_together_are_coalesced_into_fewer_writes()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint, Connections = 1 });
        await client.PingAsync();
        long writes = client.SocketWrites;
        var gets = new Task<byte[]?>[500];
        for (int i = 0; i < gets.Length; i++)
        {
            gets[i] = client.GetAsync($"pipe:coalesced:{i}");
        }
        await Task.WhenAll(gets);
        long used = client.SocketWrites - writes;
        Assert.True(used < gets.Length / 2, $"{gets.Length} commands took {used} writes.");
    }
}
