using PredictionCluster.ServiceDefaults.Health;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using PredictionCluster.Grains.Hosting;
using PredictionCluster.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tests.Storage;

/// <summary>
/// The predictions' Redis hangs (SIGSTOP: its sockets stay open, nothing answers) under a steady stream of new texts,
/// on a cluster of the real hosts' code (<see cref="LocalCluster"/>: the member table's Redis stays up). Before the
/// storage tier had budgets and a breaker, every cache miss waited for the whole pause (p99 5.2 s for a 6 s pause at
/// 20 new texts a second).
/// </summary>
[Collection(Chaos.ChaosCollection.Name)]
public sealed class FrozenStorageRedisTests(ITestOutputHelper output)
{
    private const int TextsPerSecond = 20;
    private const int FrozenTexts = 3 * TextsPerSecond;

    /// <summary>Each new text's answer while Redis hangs; expected around the 100 ms read budget at worst.</summary>
    private static readonly TimeSpan FastEnough = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task PredictionsRedisFrozen_NewTextsAnswerFast_ReadinessDegraded_ThenTheBreakerClosesByItself_AndPredictionsLandAgain()
    {
        await using var storage = await RedisServer.StartAsync();
        await using var cluster = await LocalCluster.StartAsync(silos: 1, modelPath: RepositoryPaths.LexiconModel, siloSettings: new Dictionary<string, string?>
        {
            ["Storage:Redis:Endpoint"] = storage.Endpoint,
            // Redis' own timeouts as deployed: what a hanging Redis used to cost every miss.
            ["Storage:Redis:ConnectTimeout"] = "00:00:02",
            ["Storage:Redis:CommandTimeout"] = "00:00:02",
            ["Storage:TimeToLive"] = "0",
        });
        var silo = cluster.Silos[0];
        var circuit = silo.Services.GetRequiredService<StorageCircuit>();
        var metrics = silo.Services.GetRequiredService<StorageMetrics>();
        bool frozen = false;
        try
        {
            var before = await PredictEachAsync(cluster, "before the freeze", 5);
            await WaitUntil.TrueAsync(() => AllStoredAsync(cluster, storage, before), Eventually, "the first predictions in Redis");
            Assert.Equal(HealthStatus.Healthy, (await ReadinessAsync(silo)).Status);

            storage.Freeze();
            frozen = true;
            var latencies = await PredictAtRateAsync(cluster, "while frozen", FrozenTexts, TextsPerSecond);
            var slowest = latencies.Max();
            output.WriteLine($"Redis frozen: {FrozenTexts} new texts at {TextsPerSecond}/s, slowest {slowest.TotalMilliseconds:F0} ms, " +
                $"median {latencies.Order().ElementAt(latencies.Length / 2).TotalMilliseconds:F0} ms; " +
                $"reads given up {metrics.ReadsFailed}, writes dropped {metrics.WritesDropped}");
            Assert.All(latencies, latency => Assert.True(latency < FastEnough, $"a new text took {latency.TotalMilliseconds:F0} ms while Redis hung"));

            // Readiness says why, still 200 (traffic keeps flowing).
            await WaitUntil.TrueAsync(async () => (await ReadinessAsync(silo)).Status == HealthStatus.Degraded, Eventually, "readiness Degraded");
            var degraded = await ReadinessAsync(silo);
            Assert.True(circuit.IsOpen, "the breaker should be open while Redis hangs");
            Assert.Contains("circuit breaker is open", degraded.Entries["storage"].Description);
            Assert.True(metrics.WritesDroppedFor("circuit_open") > 0, "writes while the breaker is open are dropped and counted");
            using (var http = new HttpClient { BaseAddress = silo.HttpAddress })
            {
                using var ready = await http.GetAsync("/health/ready");
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                Assert.Equal("Degraded", await ready.Content.ReadAsStringAsync());
                // What an operator's Prometheus sees (docs/operations.md).
                string scrape = await http.GetStringAsync("/metrics");
                Assert.Matches(@"(?m)^storage_circuit_open(\{[^}]*\})? 1(\s|$)", scrape);
                Assert.Matches(@"(?m)^storage_writes_dropped_total\{[^}]*reason=""circuit_open""[^}]*\} [1-9]", scrape);
                Assert.Matches(@"(?m)^storage_reads_failed_total\{[^}]*reason=""circuit_open""[^}]*\} [1-9]", scrape);
            }

            storage.Thaw();
            frozen = false;
            var thawed = Stopwatch.StartNew();
            await WaitUntil.TrueAsync(async () => !circuit.IsOpen && (await ReadinessAsync(silo)).Status == HealthStatus.Healthy, Eventually, "the breaker to close and readiness Healthy");
            output.WriteLine($"Redis thawed: breaker closed and readiness Healthy after {thawed.Elapsed.TotalMilliseconds:F0} ms");

            var after = await PredictEachAsync(cluster, "after the thaw", 5);
            await WaitUntil.TrueAsync(() => AllStoredAsync(cluster, storage, after), Eventually, "new predictions in Redis after the thaw");
        }
        finally
        {
            if (frozen)
            {
                storage.Thaw(); // the cluster's stop talks to it
            }
        }
    }

    /// <summary>New texts, one request each, one after another.</summary>
    private static async Task<string[]> PredictEachAsync(LocalCluster cluster, string tag, int count)
    {
        var texts = NewTexts(tag, count);
        foreach (var text in texts)
        {
            await PredictAsync(cluster, text);
        }
        return texts;
    }

    /// <summary>
    /// <paramref name="count"/> new texts, one request each, started at <paramref name="perSecond"/> whatever the
    /// answers take (an open loop, as users send them); each request's latency.
    /// </summary>
    private static async Task<TimeSpan[]> PredictAtRateAsync(LocalCluster cluster, string tag, int count, int perSecond)
    {
        var texts = NewTexts(tag, count);
        var requests = new List<Task<TimeSpan>>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / perSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }
            requests.Add(PredictAsync(cluster, texts[i]));
        }
        return await Task.WhenAll(requests);
    }

    private static async Task<TimeSpan> PredictAsync(LocalCluster cluster, string text)
    {
        var clock = Stopwatch.StartNew();
        using var response = await cluster.Client.PostAsJsonAsync("predict", new { text = new[] { text } });
        var took = clock.Elapsed;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return took;
    }

    private static string[] NewTexts(string tag, int count) =>
        Enumerable.Range(0, count).Select(i => $"{tag} {i} {Guid.NewGuid()}").ToArray();

    /// <summary>Whether the predictions' Redis holds every text's entry, under the key the silo writes it to.</summary>
    private static async Task<bool> AllStoredAsync(LocalCluster cluster, RedisServer storage, IEnumerable<string> texts)
    {
        var keyOf = PredictionRedisKey.For(cluster.SharedSettings["Orleans:ServiceId"]!);
        await using var connection = await ConnectionMultiplexer.ConnectAsync(storage.Endpoint);
        var database = connection.GetDatabase();
        foreach (var text in texts)
        {
            if (!await database.KeyExistsAsync(keyOf("scores", GrainId.Create("prediction", cluster.GrainKeyOf(text)))))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>The silo's readiness checks, as <c>/health/ready</c> runs them, with each check's description.</summary>
    private static Task<HealthReport> ReadinessAsync(LocalSilo silo) =>
        silo.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(check => check.Tags.Contains(HealthTags.Ready));
}
