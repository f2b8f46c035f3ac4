using System.Net;
using Xunit.Abstractions;

namespace Tests.EndToEnd;

/// <summary>The cluster as separate processes over real HTTP and TCP: the failures operators meet.</summary>
public sealed class ClusterProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SiloProcessKilledUnderLoad_NoFailedHttpRequest()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 2);
        await using var load = new HttpLoad(cluster.Api.Address, clients: 4, tag: $"kill {Guid.NewGuid():N}");
        await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(60));

        await cluster.Silos["silo-2"].KillAsync();
        var sinceKill = System.Diagnostics.Stopwatch.StartNew();
        // Failure detection as configured (Orleans:Membership): the survivor declares the killed silo dead in seconds.
        while (await cluster.StatusInTableAsync("silo-2") != SiloStatus.Dead)
        {
            Assert.True(sinceKill.Elapsed < TimeSpan.FromSeconds(15), $"silo-2 not declared dead {sinceKill.Elapsed.TotalSeconds:F1} s after SIGKILL");
            await Task.Delay(50);
        }
        var declaredDead = sinceKill.Elapsed;
        await load.WaitForMoreAsync(300, TimeSpan.FromSeconds(90));
        await load.StopAsync();

        output.WriteLine($"answered {load.Answered}, failed {load.Failures.Count}; silo-2 declared dead {declaredDead.TotalSeconds:F1} s after SIGKILL");
        Assert.True(load.Failures.Count == 0, string.Join("\n", load.Failures.Take(10).Select(f => f.What)));
    }

    /// <summary>
    /// Redis restarted empty loses Orleans' member table, which does not come back by itself. Each silo's
    /// liveness endpoint then fails; the test plays the supervisor (as Kubernetes' liveness probe does) and
    /// restarts every silo whose <c>/health/live</c> fails. It reports how long clients saw errors.
    /// </summary>
    [Fact]
    public async Task RedisRestartedEmpty_SilosReportUnhealthyAndRecoverWhenRestarted()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 2);
        await using var load = new HttpLoad(cluster.Api.Address, clients: 4, tag: $"empty redis {Guid.NewGuid():N}");
        await load.WaitForMoreAsync(50, TimeSpan.FromSeconds(60));

        await cluster.Redis.RestartAsync(); // a fresh, empty server on the same port
        var restarted = new HashSet<string>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (restarted.Count < cluster.Silos.Count && DateTime.UtcNow < deadline)
        {
            foreach (var (name, silo) in cluster.Silos.ToList())
            {
                if (restarted.Contains(name) || await IsLiveAsync(http, silo.Address))
                {
                    continue;
                }
                output.WriteLine($"{load.Elapsed.TotalSeconds:F1} s: {name} reports itself not live; restarting it");
                await silo.KillAsync();
                await silo.DisposeAsync();
                cluster.StartSilo(name);
                restarted.Add(name);
            }
            await Task.Delay(250);
        }
        Assert.Equal(cluster.Silos.Count, restarted.Count);
        foreach (var (name, silo) in cluster.Silos)
        {
            Assert.True(await silo.WaitReadyAsync(TimeSpan.FromSeconds(60)), $"{name} did not come back:\n{silo.Output}");
        }

        // After the restarts the cluster answers again, with no failure from then on.
        await WaitForCleanStretchAsync(load, TimeSpan.FromSeconds(90));
        await load.StopAsync();
        var failures = load.Failures;
        string window = failures.Count == 0 ? "none" : $"{failures.Count} failed requests between {failures[0].At.TotalSeconds:F1} s and {failures[^1].At.TotalSeconds:F1} s";
        output.WriteLine($"answered {load.Answered}; clients saw errors: {window}");
    }

    private static async Task WaitForCleanStretchAsync(HttpLoad load, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            int failuresBefore = load.Failures.Count;
            await load.WaitForMoreAsync(100, timeout);
            if (load.Failures.Count == failuresBefore)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"still failing: {load.Failures[^1].What}");
        }
    }

    private static async Task<bool> IsLiveAsync(HttpClient http, Uri silo)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(silo, "health/live"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return true; // not answering is the process's own business (starting, or already gone)
        }
    }
}
