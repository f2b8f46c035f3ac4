using PredictionCluster.ServiceDefaults.Health;
using PredictionCluster.Grains.Hosting;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tests.Cluster;

/// <summary>
/// Silos that die or leave, with grain storage in a real redis-server: clients see no failed request, and a
/// key computed before comes back from Redis instead of being computed again.
/// </summary>
public sealed class FailoverTests(ITestOutputHelper output)
{
    [Fact]
    public async Task KeyComputedOnKilledSilo_IsServedFromRedisByAnotherSilo_WithNoInference()
    {
        await using var redis = await RedisServer.StartAsync();
        // A read budget for a loaded test machine: the key must come from Redis, which a read given up would make a miss.
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 3, redis, perSilo: _ => new Dictionary<string, string?>
        {
            ["Storage:ReadTimeout"] = "00:00:02",
        });
        await cluster.StartRouterAsync();
        await cluster.WaitForSiloMetadataAsync();

        // A key that lives on a silo other than the primary (any silo would do; this keeps the test's shape fixed).
        var primary = cluster.Cluster.Silos[0];
        string text = "";
        for (int i = 0; ; i++)
        {
            text = $"failover {i} {Guid.NewGuid()}";
            long before = cluster.Inferences(primary);
            var first = await cluster.GrainOf(text).PredictAsync(text, AdmissionTicket.None);
            Assert.Equal(PredictionSource.Inference, first.Source);
            if (cluster.Inferences(primary) == before)
            {
                break;
            }
        }
        var owner = cluster.Cluster.GetActiveSilos().Single(silo => silo != primary && cluster.Inferences(silo) > 0);
        // The grain answered before its scores were written (in the background): the kill comes once they are in Redis.
        await WaitUntil.TrueAsync(() => StoredAsync(cluster, text), TimeSpan.FromSeconds(30), "the key's scores in Redis");

        await cluster.Cluster.KillSiloAsync(owner);
        long inferencesBefore = cluster.Inferences();
        var (_, results) = await cluster.Router.PredictAsync([text], CancellationToken.None);

        Assert.Equal(PredictionStatus.Ok, results[0].Status);
        Assert.Equal(PredictionSource.Storage, results[0].Source);
        Assert.Equal(inferencesBefore, cluster.Inferences());
    }

    [Fact]
    public Task SiloKilledUnderLoad_NoFailedRequest() =>
        AssertNoFailedRequestAcrossAsync("kill", cluster => cluster.Cluster.KillSiloAsync(cluster.Cluster.Silos[^1]));

    [Fact]
    public Task SiloStoppedGracefullyUnderLoad_NoFailedRequest() =>
        AssertNoFailedRequestAcrossAsync("stop", cluster => cluster.Cluster.StopSiloAsync(cluster.Cluster.Silos[^1]));

    /// <summary>Six clients on a 3-silo cluster with Redis storage; <paramref name="fault"/> strikes mid-load.</summary>
    private async Task AssertNoFailedRequestAcrossAsync(string tag, Func<PredictionTestCluster, Task> fault)
    {
        await using var redis = await RedisServer.StartAsync();
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 3, redis);
        await cluster.StartRouterAsync();
        await cluster.WaitForSiloMetadataAsync();

        await using var load = new LoadLoop(cluster, clients: 6, tag: tag);
        await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(30));
        await fault(cluster);
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(60));
        await load.StopAsync();

        output.WriteLine($"answered {load.Answered}, slowest {load.Slowest.TotalMilliseconds:F0} ms");
        Assert.True(load.Failures.Count == 0, string.Join("\n", load.Failures.Take(10)));
    }

    [Fact]
    public async Task RedisDownForSecondsUnderLoad_NoFailedRequest_DegradedThenHealthy_PersistenceResumes()
    {
        string data = Directory.CreateTempSubdirectory("redis-aof-").FullName;
        await using var redis = await RedisServer.StartAsync("--appendonly", "yes", "--dir", data);
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 2, redis);
        await cluster.StartRouterAsync();
        var storage = cluster.Cluster.GetActiveSilos().Select(silo => cluster.ServicesOf(silo).GetRequiredService<StorageHealth>()).ToList();

        await using var load = new LoadLoop(cluster, clients: 4, tag: "redis outage");
        await load.WaitForMoreAsync(50, TimeSpan.FromSeconds(30));
        string keyBefore = $"stored before the outage {Guid.NewGuid()}";
        await cluster.Router.PredictAsync([keyBefore], CancellationToken.None);
        await WaitUntil.TrueAsync(() => StoredAsync(cluster, keyBefore), TimeSpan.FromSeconds(30), "a key computed before the outage in Redis");

        await redis.StopAsync();
        var outage = System.Diagnostics.Stopwatch.StartNew();
        await WaitUntil.TrueAsync(() => storage.All(s => s.IsFailing), TimeSpan.FromSeconds(30), "every silo to see storage failing");
        Assert.Equal([HealthStatus.Degraded, HealthStatus.Degraded], await ReadinessAsync(cluster));
        await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(60)); // served from memory and inference meanwhile
        var rest = TimeSpan.FromSeconds(10) - outage.Elapsed;
        if (rest > TimeSpan.Zero)
        {
            await Task.Delay(rest); // Redis stays away for ten seconds under load
        }
        await redis.RestartAsync();
        var away = outage.Elapsed;

        await WaitUntil.TrueAsync(() => storage.All(s => !s.IsFailing), TimeSpan.FromSeconds(60), "every silo to see storage working again");
        Assert.Equal([HealthStatus.Healthy, HealthStatus.Healthy], await ReadinessAsync(cluster));
        await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(60));
        await load.StopAsync();
        Assert.True(load.Failures.Count == 0, string.Join("\n", load.Failures.Take(10)));

        // Restarted with its data (AOF): what was stored before is still there, and new results are stored again
        // (in the background, after the answer).
        Assert.True(await StoredAsync(cluster, keyBefore), "the key stored before the outage");
        string keyAfter = $"stored after the outage {Guid.NewGuid()}";
        await cluster.Router.PredictAsync([keyAfter], CancellationToken.None);
        await WaitUntil.TrueAsync(() => StoredAsync(cluster, keyAfter), TimeSpan.FromSeconds(30), "a key computed after the outage in Redis");
        output.WriteLine($"Redis away {away.TotalSeconds:F1} s; answered {load.Answered}, slowest {load.Slowest.TotalMilliseconds:F0} ms");
        Directory.Delete(data, recursive: true);
    }

    /// <summary>Whether <paramref name="text"/>'s scores are in the cluster's Redis, under the key its silos write.</summary>
    private static async Task<bool> StoredAsync(PredictionTestCluster cluster, string text)
    {
        var key = PredictionRedisKey.For(cluster.Cluster.Options.ServiceId)("scores", cluster.GrainOf(text).GetGrainId());
        await using var connection = await ConnectionMultiplexer.ConnectAsync(cluster.Redis!.Endpoint);
        return await connection.GetDatabase().KeyExistsAsync(key);
    }

    /// <summary>Each live silo's <c>/health/ready</c> verdict (the checks tagged ready).</summary>
    private static async Task<HealthStatus[]> ReadinessAsync(PredictionTestCluster cluster)
    {
        var verdicts = new List<HealthStatus>();
        foreach (var silo in cluster.Cluster.GetActiveSilos())
        {
            var report = await cluster.ServicesOf(silo).GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains(HealthTags.Ready));
            verdicts.Add(report.Status);
        }
        return [.. verdicts];
    }
}
