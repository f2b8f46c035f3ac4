using System.Diagnostics.Metrics;
using Metrics;
using Microsoft.Extensions.DependencyInjection;
using Redis;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>The Redis client's instruments against a real redis-server, a port nobody listens on, and a server that never answers.</summary>
public sealed class RedisMetricsTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>, IDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public void Dispose() => _services.Dispose();

    [Fact]
    public async Task Answered_commands_are_timed_by_command_and_failures_counted_by_kind()
    {
        var factory = _services.GetRequiredService<IMeterFactory>();
        using var collector = new MetricsCollector(factory, new BuildInfo("test", null, () => null));
        string key = "metrics:" + Guid.NewGuid().ToString("N");

        await using (var client = new RedisClient(new RedisOptions { Endpoint = redis.Server.Endpoint }, null, factory))
        {
            await client.SetAsync(key, "v"u8.ToArray());
            await client.GetAsync(key);
            await Assert.ThrowsAsync<RedisServerException>(() => client.HashGetAllAsync(key)); // WRONGTYPE
        }
        await using (var refused = new RedisClient(new RedisOptions { Endpoint = $"127.0.0.1:{FreePort.Reserve()}", ConnectTimeout = TimeSpan.FromMilliseconds(300) }, null, factory))
        {
            await Assert.ThrowsAsync<RedisConnectionException>(() => refused.GetAsync(key));
        }
        await using (var hung = new UnresponsiveServer())
        await using (var silent = new RedisClient(new RedisOptions { Endpoint = hung.Endpoint, CommandTimeout = TimeSpan.FromMilliseconds(200) }, null, factory))
        {
            await Assert.ThrowsAsync<RedisTimeoutException>(() => silent.GetAsync(key));
        }

        var families = collector.Collect();
        var duration = families.Single(f => f.Name == "redis_command_duration_seconds");
        Assert.Equal(1, duration.Samples.Single(s => s.Label("command") == "SET").Histogram!.Count);
        Assert.Equal(1, duration.Samples.Single(s => s.Label("command") == "GET").Histogram!.Count);
        var errors = families.Single(f => f.Name == "redis_errors_total");
        Assert.Equal(1, errors.Samples.Single(s => s.Label("kind") == "server").Value);
        Assert.Equal(1, errors.Samples.Single(s => s.Label("kind") == "connection").Value);
        Assert.Equal(1, errors.Samples.Single(s => s.Label("kind") == "timeout").Value);
        Assert.Equal(0, errors.Samples.Single(s => s.Label("kind") == "protocol").Value);
    }
}
