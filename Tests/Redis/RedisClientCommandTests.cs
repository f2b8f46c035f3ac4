using System.Diagnostics;
using System.Text;
using Redis;
using Tests.Infrastructure;

namespace Tests.Redis;

/// <summary>
/// Every command against a real redis-server, cross-checked with redis-cli: what the client writes, redis-cli
/// reads back byte for byte, and what redis-cli writes, the client reads.
/// </summary>
public sealed class RedisClientCommandTests(RedisServerFixture fixture) : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private readonly RedisServer _server = fixture.Server;
    private RedisClient _client = null!;

    public Task InitializeAsync()
    {
        _client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _client.DisposeAsync();

    [Fact]
    public async Task Ping_answers_and_the_client_reports_connected()
    {
        await _client.PingAsync();
        Assert.True(_client.IsConnected);
    }

    [Fact]
    public async Task Binary_value_set_by_the_client_is_read_by_redis_cli_byte_for_byte()
    {
        byte[] value = [0, 1, 2, (byte)'\r', (byte)'\n', 0xff, 0xfe, (byte)'$', (byte)'*', 0x80];
        await _client.SetAsync("cmd:binary-out", value);
        var output = await _server.CliRawAsync(null, "GET", "cmd:binary-out");
        Assert.Equal([.. value, (byte)'\n'], output);
        Assert.Equal(value.Length.ToString(), await _server.CliAsync("STRLEN", "cmd:binary-out"));
    }

    [Fact]
    public async Task Binary_value_set_by_redis_cli_is_read_by_the_client()
    {
        var value = new byte[1000];
        new Random(3).NextBytes(value);
        Assert.Equal("OK", Encoding.UTF8.GetString(await _server.CliRawAsync(value, "-x", "SET", "cmd:binary-in")).Trim());
        Assert.Equal(value, await _client.GetAsync("cmd:binary-in"));
    }

    [Fact]
    public async Task Large_and_empty_values_round_trip()
    {
        var large = new byte[1_500_000];
        new Random(4).NextBytes(large);
        await _client.SetAsync("cmd:large", large);
        await _client.SetAsync("cmd:empty", ReadOnlyMemory<byte>.Empty);
        Assert.Equal(large, await _client.GetAsync("cmd:large"));
        Assert.Equal(Array.Empty<byte>(), await _client.GetAsync("cmd:empty"));
        Assert.Equal("1500000", await _server.CliAsync("STRLEN", "cmd:large"));
        Assert.Equal("1", await _server.CliAsync("EXISTS", "cmd:empty"));
    }

    [Fact]
    public async Task Keys_are_UTF8()
    {
        await _client.SetAsync("cmd:ключ🔑", "v1"u8.ToArray());
        Assert.Equal("v1", await _server.CliAsync("GET", "cmd:ключ🔑"));
        await _server.CliAsync("SET", "cmd:clé", "v2");
        Assert.Equal("v2"u8.ToArray(), await _client.GetAsync("cmd:clé"));
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_null()
    {
        Assert.Null(await _client.GetAsync("cmd:missing"));
    }

    [Fact]
    public async Task GetMany_is_one_MGET_with_null_for_missing_keys()
    {
        await _server.CliAsync("MSET", "cmd:m1", "one", "cmd:m3", "three");
        long writes = await IdleWritesAsync();
        var values = await _client.GetManyAsync(["cmd:m1", "cmd:m2", "cmd:m3", "cmd:m1"]);
        Assert.Equal(1, _client.SocketWrites - writes);
        Assert.Equal(4, values.Length);
        Assert.Equal("one"u8.ToArray(), values[0]);
        Assert.Null(values[1]);
        Assert.Equal("three"u8.ToArray(), values[2]);
        Assert.Equal("one"u8.ToArray(), values[3]);
        Assert.Empty(await _client.GetManyAsync([]));
    }

    [Fact]
    public async Task Set_without_expiry_is_persistent()
    {
        await _client.SetAsync("cmd:persistent", "v"u8.ToArray());
        Assert.Equal("-1", await _server.CliAsync("PTTL", "cmd:persistent"));
    }

    [Fact]
    public async Task Set_with_expiry_sets_PX_and_the_key_expires()
    {
        var stopwatch = Stopwatch.StartNew();
        await _client.SetAsync("cmd:expiring", "v"u8.ToArray(), TimeSpan.FromMilliseconds(400));
        Assert.InRange(long.Parse(await _server.CliAsync("PTTL", "cmd:expiring")), 1, 400);
        while (await _client.GetAsync("cmd:expiring") is not null)
        {
            Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(10), "The key did not expire.");
            await Task.Delay(20);
        }
        Assert.True(stopwatch.ElapsedMilliseconds >= 300, $"Expired after {stopwatch.ElapsedMilliseconds} ms, before its TTL.");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => _client.SetAsync("cmd:expiring", "v"u8.ToArray(), TimeSpan.Zero));
    }

    [Fact]
    public async Task Delete_counts_the_keys_that_existed()
    {
        await _server.CliAsync("MSET", "cmd:d1", "1", "cmd:d2", "2");
        Assert.Equal(2, await _client.DeleteAsync(["cmd:d1", "cmd:d2", "cmd:d3"]));
        Assert.Equal("0", await _server.CliAsync("EXISTS", "cmd:d1", "cmd:d2"));
        Assert.Equal(0, await _client.DeleteAsync(["cmd:d1"]));
        Assert.Equal(0, await _client.DeleteAsync([]));
    }

    [Fact]
    public async Task Expire_sets_a_TTL_on_existing_keys_only()
    {
        await _server.CliAsync("SET", "cmd:e", "v");
        Assert.True(await _client.ExpireAsync("cmd:e", TimeSpan.FromSeconds(30)));
        Assert.InRange(long.Parse(await _server.CliAsync("PTTL", "cmd:e")), 25_000, 30_000);
        Assert.False(await _client.ExpireAsync("cmd:e-missing", TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Hash_set_get_all_and_delete()
    {
        Assert.Equal(2, await _client.HashSetAsync("cmd:h", [new("name", "ada"u8.ToArray()), new("bytes", [0, 255, 13, 10])]));
        Assert.Equal(1, await _client.HashSetAsync("cmd:h", [new("name", "grace"u8.ToArray()), new("ключ", "v"u8.ToArray())]));
        Assert.Equal("grace", await _server.CliAsync("HGET", "cmd:h", "name"));
        Assert.Equal(new byte[] { 0, 255, 13, 10, (byte)'\n' }, await _server.CliRawAsync(null, "HGET", "cmd:h", "bytes"));
        Assert.Equal("v", await _server.CliAsync("HGET", "cmd:h", "ключ"));

        var all = await _client.HashGetAllAsync("cmd:h");
        Assert.Equal(["bytes", "name", "ключ"], all.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("grace"u8.ToArray(), all["name"]);
        Assert.Equal([0, 255, 13, 10], all["bytes"]);

        Assert.Equal(1, await _client.HashDeleteAsync("cmd:h", ["name", "nope"]));
        Assert.Equal("2", await _server.CliAsync("HLEN", "cmd:h"));
        Assert.Equal(0, await _client.HashDeleteAsync("cmd:h", []));
        Assert.Equal(0, await _client.HashSetAsync("cmd:h", []));
    }

    [Fact]
    public async Task Hash_written_by_redis_cli_is_read_by_the_client()
    {
        await _server.CliAsync("HSET", "cmd:h-in", "a", "1", "b", "", "c", "three");
        var all = await _client.HashGetAllAsync("cmd:h-in");
        Assert.Equal(3, all.Count);
        Assert.Equal("1"u8.ToArray(), all["a"]);
        Assert.Equal(Array.Empty<byte>(), all["b"]);
        Assert.Equal("three"u8.ToArray(), all["c"]);
        Assert.Empty(await _client.HashGetAllAsync("cmd:h-missing"));
    }

    [Fact]
    public async Task An_error_reply_fails_only_its_command_and_the_connection_keeps_working()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint, Connections = 1 });
        await client.SetAsync("cmd:string", "v"u8.ToArray());
        long writes = await IdleWritesAsync(client);

        // Pipelined around the failing command: the replies after the error must still reach their own callers.
        var before = client.GetAsync("cmd:string");
        var failing = client.HashGetAllAsync("cmd:string");
        var after = client.HashSetAsync("cmd:string", [new("f", [1])]);
        var last = client.GetAsync("cmd:string");

        var error = await Assert.ThrowsAsync<RedisServerException>(() => failing);
        Assert.StartsWith("WRONGTYPE Operation against a key holding the wrong kind of value", error.Message);
        Assert.StartsWith("WRONGTYPE", (await Assert.ThrowsAsync<RedisServerException>(() => after)).Message);
        Assert.Equal("v"u8.ToArray(), await before);
        Assert.Equal("v"u8.ToArray(), await last);
        await client.PingAsync();
        Assert.True(client.IsConnected);
        Assert.InRange(client.SocketWrites - writes, 1, 5);
    }

    [Fact]
    public async Task A_host_name_endpoint_is_resolved()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = $"localhost:{_server.Port}" });
        await client.SetAsync("cmd:by-name", "v"u8.ToArray());
        Assert.Equal("v", await _server.CliAsync("GET", "cmd:by-name"));
    }

    [Fact]
    public async Task The_pool_spreads_commands_over_the_configured_number_of_connections()
    {
        // A server of its own, so that CLIENT LIST shows this client's connections only.
        await using var server = await RedisServer.StartAsync();
        await using var client = new RedisClient(new RedisOptions { Endpoint = server.Endpoint, Connections = 3 });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            // Round robin over the open connections: once all three are up, each runs some of these.
            var gets = new Task<byte[]?>[30];
            for (int i = 0; i < gets.Length; i++)
            {
                gets[i] = client.GetAsync($"cmd:pool:{i}");
            }
            await Task.WhenAll(gets);
            var clients = (await server.CliAsync("CLIENT", "LIST")).Split('\n');
            int ranGet = clients.Count(line => line.Contains("cmd=get", StringComparison.Ordinal));
            if (ranGet == 3)
            {
                break;
            }
            Assert.True(ranGet < 3 && DateTime.UtcNow < deadline, $"{ranGet} connection(s) ran GET:\n{string.Join('\n', clients)}");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until the client is connected and idle, and returns its socket write count.</summary>
    private Task<long> IdleWritesAsync() => IdleWritesAsync(_client);

    private static async Task<long> IdleWritesAsync(RedisClient client)
    {
        await client.PingAsync();
        return client.SocketWrites;
    }
}
