using System.Diagnostics;
using Redis;
using Tests.Infrastructure;

namespace Tests.Redis;

/// <summary>AUTH (password, ACL user) and SELECT on connect, and what a rejected handshake looks like to callers.</summary>
public sealed class RedisAuthenticationTests : IAsyncLifetime
{
    private const string Password = "s3cret-default";
    private RedisServer _server = null!;

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync("--requirepass", Password);

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_password_authenticates_the_default_user()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint, Password = Password });
        await client.SetAsync("auth:k", "v"u8.ToArray());
        Assert.Equal("v"u8.ToArray(), await client.GetAsync("auth:k"));
        Assert.Equal("v", await _server.CliAsync("GET", "auth:k"));
    }

    [Fact]
    public async Task Without_a_password_commands_get_the_servers_NOAUTH_error()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint });
        var error = await Assert.ThrowsAsync<RedisServerException>(() => client.GetAsync("auth:k"));
        Assert.StartsWith("NOAUTH", error.Message);
    }

    [Fact]
    public async Task A_wrong_password_fails_fast_naming_the_cause_and_is_not_retried_in_a_hot_loop()
    {
        long connectionsBefore = await TotalConnectionsAsync();
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint, Password = "wrong", Connections = 2 });
        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetAsync("auth:k"));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(3), $"Took {stopwatch.Elapsed}.");
        Assert.Contains("AUTH", error.Message);
        Assert.Contains("WRONGPASS", error.Message);
        Assert.False(client.IsConnected);

        // Later calls fail at once, with the same cause.
        stopwatch.Restart();
        error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.PingAsync());
        Assert.Contains("WRONGPASS", error.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"Took {stopwatch.Elapsed}.");

        // Over a second, two slots backing off from 100 ms make a handful of attempts each, not thousands.
        await Task.Delay(TimeSpan.FromSeconds(1));
        long attempts = await TotalConnectionsAsync() - connectionsBefore;
        Assert.InRange(attempts, 2, 20);
    }

    [Fact]
    public async Task An_ACL_user_authenticates_with_its_own_password()
    {
        Assert.Equal("OK", await _server.CliAsync("ACL", "SETUSER", "app", "on", ">app-secret", "~*", "+@all"));
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint, User = "app", Password = "app-secret", Connections = 1 });
        await client.SetAsync("auth:acl", "v"u8.ToArray());
        Assert.Equal("v", await _server.CliAsync("GET", "auth:acl"));
        Assert.Contains("user=app", await _server.CliAsync("CLIENT", "LIST"));

        await using var wrong = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint, User = "app", Password = Password });
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => wrong.PingAsync());
        Assert.Contains("WRONGPASS", error.Message);
    }

    [Fact]
    public async Task The_database_setting_selects_a_separate_keyspace()
    {
        await using var database5 = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint, Password = Password, Database = 5 });
        await using var database0 = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint, Password = Password });
        await database5.SetAsync("auth:db", "five"u8.ToArray());
        Assert.Null(await database0.GetAsync("auth:db"));
        Assert.Equal("five"u8.ToArray(), await database5.GetAsync("auth:db"));
        Assert.Equal("five", await _server.CliAsync("-n", "5", "GET", "auth:db"));
        Assert.Equal("", await _server.CliAsync("-n", "0", "GET", "auth:db"));
    }

    [Fact]
    public async Task A_database_the_server_does_not_have_fails_the_handshake()
    {
        await using var client = new RedisClient(new RedisOptions { Endpoint = _server.Endpoint, Password = Password, Database = 99 });
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.PingAsync());
        Assert.Contains("SELECT 99", error.Message);
        Assert.Contains("DB index is out of range", error.Message);
    }

    private async Task<long> TotalConnectionsAsync()
    {
        var stats = await _server.CliAsync("INFO", "stats");
        var line = stats.Split('\n').Single(line => line.StartsWith("total_connections_received:", StringComparison.Ordinal));
        return long.Parse(line["total_connections_received:".Length..].Trim());
    }
}
