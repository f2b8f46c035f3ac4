using System.Net;
using Redis;
using Redis.Connections;

namespace Tests.Redis;

/// <summary>Endpoint parsing and option validation, both at construction (a bad setting never reaches a socket).</summary>
public class RedisOptionsTests
{
    [Theory]
    [InlineData("127.0.0.1:6380", "127.0.0.1:6380")]
    [InlineData("10.1.2.3", "10.1.2.3:6379")]
    [InlineData("[::1]:7000", "[::1]:7000")]
    [InlineData("[::1]", "[::1]:6379")]
    [InlineData("::1", "[::1]:6379")]
    [InlineData(" 127.0.0.1:1 ", "127.0.0.1:1")]
    public void Parses_address_endpoints(string text, string expected)
    {
        var endpoint = Assert.IsType<IPEndPoint>(RedisEndpoint.Parse(text).EndPoint);
        Assert.Equal(expected, endpoint.ToString());
    }

    [Theory]
    [InlineData("redis.internal:6390", "redis.internal", 6390)]
    [InlineData("localhost", "localhost", 6379)]
    [InlineData("cache-0.cache.svc.cluster.local:1", "cache-0.cache.svc.cluster.local", 1)]
    public void Parses_host_name_endpoints(string text, string host, int port)
    {
        var endpoint = Assert.IsType<DnsEndPoint>(RedisEndpoint.Parse(text).EndPoint);
        Assert.Equal(host, endpoint.Host);
        Assert.Equal(port, endpoint.Port);
    }

    [Theory]
    [InlineData("host:")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("host:port")]
    [InlineData("host:-1")]
    [InlineData("[::1")]
    [InlineData("[::1]x")]
    [InlineData("[127.0.0.1]:1")]
    [InlineData("bad host:1")]
    [InlineData("a:b:c")]
    public void Rejects_what_is_not_an_endpoint(string text)
    {
        var exception = Assert.Throws<ArgumentException>(() => new RedisClient(new RedisOptions { Endpoint = text }));
        Assert.Contains(text, exception.Message);
    }

    [Fact]
    public void Rejects_invalid_settings_when_the_client_is_created()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RedisClient(new RedisOptions { Connections = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RedisClient(new RedisOptions { Database = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RedisClient(new RedisOptions { CommandTimeout = TimeSpan.Zero }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RedisClient(new RedisOptions { ConnectTimeout = TimeSpan.FromSeconds(-1) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RedisClient(new RedisOptions { ReconnectMinDelay = TimeSpan.FromSeconds(2), ReconnectMaxDelay = TimeSpan.FromSeconds(1) }));
        Assert.Throws<ArgumentException>(() => new RedisClient(new RedisOptions { User = "app" }));
        Assert.Throws<ArgumentException>(() => new RedisClient(new RedisOptions { Endpoint = " " }));
    }

    [Fact]
    public void Backoff_doubles_from_the_minimum_to_the_maximum_with_jitter_and_resets()
    {
        var backoff = new ReconnectBackoff(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
        double[] expected = [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000];
        foreach (var nominal in expected)
        {
            var delay = backoff.Next().TotalMilliseconds;
            Assert.InRange(delay, Math.Max(100, nominal * 0.8), Math.Min(5000, nominal * 1.2));
        }
        for (int i = 0; i < 100; i++)
        {
            Assert.InRange(backoff.Next().TotalMilliseconds, 4000, 5000);
        }
        backoff.Reset();
        Assert.InRange(backoff.Next().TotalMilliseconds, 100, 120);
    }
}
