using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tests.EndToEnd;
using Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tests.Chaos;

/// <summary>
/// Faults that are not deaths, on a cluster of real processes as <c>./run.sh cluster</c> runs it (two silos, the API,
/// the member table's Redis and the predictions' own): a process stops answering without closing its sockets
/// (SIGSTOP, then SIGCONT), under an open loop of new texts. Each fault gets its own measured window and a row of the
/// table, written to the test output and to <c>artifacts/chaos.md</c> (<c>CHAOS_REPORT</c>). The pause lasts
/// <c>CHAOS_PAUSE_SECONDS</c> (4 here; <c>scripts/chaos.sh</c> runs 6), the load <c>CHAOS_RATE</c> requests a second (20);
/// <c>CHAOS_P99_SILO_MS</c> and <c>CHAOS_P99_REDIS_MS</c> set the tails allowed. Every request and each process's output
/// land in <c>artifacts/chaos/</c>.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class PartialFailureTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(Setting("CHAOS_PAUSE_SECONDS", 4));
    private static readonly double Rate = Setting("CHAOS_RATE", 20);
    private static readonly TimeSpan Before = TimeSpan.FromSeconds(3);

    // The tails allowed. The Redis rows are held to the target (500 ms) here too: measured 19-140 ms since the
    // load generator stopped starving its own thread pool (ProcessOutput, OpenLoopLoad). A silo pause gets 3.5 s in CI
    // (the target, 3 s, in scripts/chaos.sh; measured 2.0-2.4 s), on a shared 2-core machine where a stall of a few
    // hundred ms lands in the 3rd-slowest of 300 requests; the old behaviour failed both by far (p99 5.2-5.9 s).
    private static readonly TimeSpan SiloP99 = TimeSpan.FromMilliseconds(Setting("CHAOS_P99_SILO_MS", 3500));
    private static readonly TimeSpan RedisP99 = TimeSpan.FromMilliseconds(Setting("CHAOS_P99_REDIS_MS", 500));
    private static readonly TimeSpan After = TimeSpan.FromSeconds(Math.Max(8, Pause.TotalSeconds));

    // The API's defaults (Routing:AttemptTimeout, Routing:ProbeTimeout): a call to a silo that does not answer is
    // abandoned after both, and a client learns a gateway's death within its gateway list refresh (0.5 s).
    private static readonly TimeSpan AttemptAndProbe = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan GatewayRefresh = TimeSpan.FromSeconds(0.5);

    [Fact]
    public async Task PausedSilo_PausedPredictionsRedis_PausedMemberTableRedis_NoFailedRequest_AndShortTails()
    {
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, storageRedis: true);
        var report = new StringBuilder(LoadWindow.Header).AppendLine();
        string tag = Guid.NewGuid().ToString("N")[..8];

        // Unmeasured: the first requests to a fresh cluster activate grains and compile code paths (300-500 ms for the
        // first few); the windows measure faults, not a cold start.
        await new OpenLoopLoad(cluster.Api.Address, Rate, $"{tag} warm-up").RunAsync(TimeSpan.FromSeconds(2));

        // 1. The predictions' Redis paused: a cache tier, so misses stop waiting on it.
        var storage = await RunWindowAsync(cluster, $"{tag} storage", async () =>
        {
            cluster.StorageRedis!.Freeze();
            await Task.Delay(Pause);
            cluster.StorageRedis.Thaw();
        });
        report.AppendLine(storage.Row($"the predictions' Redis paused {Pause.TotalSeconds:0} s"));

        // 2. The member table's Redis paused: membership waits, requests do not.
        var membership = await RunWindowAsync(cluster, $"{tag} membership", async () =>
        {
            cluster.Redis.Freeze();
            await Task.Delay(Pause);
            cluster.Redis.Thaw();
        });
        report.AppendLine(membership.Row($"the member table's Redis paused {Pause.TotalSeconds:0} s"));

        // 3. A silo paused (last: it leaves a restarted silo behind): it is declared dead within about 2.5 s (Orleans'
        // probes), its grains are reactivated on the other silo, and calls stuck on it are abandoned and repeated.
        // Resumed, it finds itself declared dead and stops.
        var paused = cluster.Silos["silo-2"];
        TimeSpan? declaredDead = null;
        var silo = await RunWindowAsync(cluster, $"{tag} silo", async () =>
        {
            paused.Pause();
            var since = Stopwatch.StartNew();
            while (since.Elapsed < Pause)
            {
                declaredDead ??= await cluster.StatusInTableAsync("silo-2") == SiloStatus.Dead ? since.Elapsed : null;
                await Task.Delay(100);
            }
            paused.Resume();
        });
        report.AppendLine(silo.Row($"one silo paused {Pause.TotalSeconds:0} s"));
        Assert.True(declaredDead is not null, $"silo-2 was not declared dead during a {Pause.TotalSeconds:0} s pause");
        Assert.True(await paused.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the paused silo did not stop after it resumed declared dead:\n" + paused.Output);
        output.WriteLine($"silo-2 declared dead {declaredDead!.Value.TotalSeconds:0.0} s into the pause; after it resumed it stopped itself (exit code {paused.ExitCode})");
        // The supervisor's part (Kubernetes restarts the pod): the same silo again, on the same ports.
        await paused.DisposeAsync();
        Assert.True(await cluster.StartSilo("silo-2").WaitReadyAsync(TimeSpan.FromSeconds(60)), "silo-2 did not come back:\n" + cluster.Silos["silo-2"].Output);
        var rejoined = await new OpenLoopLoad(cluster.Api.Address, Rate, $"{tag} rejoined").RunAsync(TimeSpan.FromSeconds(3));
        report.AppendLine(rejoined.Row("after the supervisor restarted it"));

        Write(report.ToString());
        WriteDetails(cluster, ("storage", storage), ("membership", membership), ("silo", silo), ("rejoined", rejoined));
        output.WriteLine(Slowest(storage, "predictions' Redis") + $" (paused from {Before.TotalSeconds:0} s)");
        output.WriteLine(Slowest(membership, "member table's Redis"));
        output.WriteLine(Slowest(silo, "silo"));
        AssertAllAnswered(silo, "silo pause");
        AssertAllAnswered(storage, "predictions' Redis pause");
        AssertAllAnswered(membership, "member table's Redis pause");
        AssertAllAnswered(rejoined, "after the restart");
        Assert.Contains("The cluster client dropped a gateway (2 -> 1 live)", cluster.Api.Output); // calls in flight were repeated then
        Assert.True(silo.Percentile(99) < SiloP99, $"silo pause: p99 {silo.Percentile(99)}, over {SiloP99}");
        var bound = declaredDead.Value + AttemptAndProbe + GatewayRefresh + TimeSpan.FromSeconds(1);
        Assert.True(silo.Max < bound, $"silo pause: a request waited {silo.Max}, more than the attempt and probe timeouts after the death declaration ({bound})");
        Assert.True(storage.Percentile(99) < RedisP99, $"predictions' Redis pause: p99 {storage.Percentile(99)}, over {RedisP99}");
        Assert.True(membership.Percentile(99) < RedisP99, $"member table's Redis pause: p99 {membership.Percentile(99)}, over {RedisP99}");
    }

    /// <summary>An open loop for <see cref="Before"/> + the pause + <see cref="After"/>, the fault starting after <see cref="Before"/>.</summary>
    private static async Task<LoadWindow> RunWindowAsync(ProcessCluster cluster, string tag, Func<Task> fault)
    {
        var load = new OpenLoopLoad(cluster.Api.Address, Rate, tag).RunAsync(Before + Pause + After);
        await Task.Delay(Before);
        await fault();
        return await load;
    }

    /// <summary>The slowest requests of a window: when each was due (from the window's start) and how long it took.</summary>
    private static string Slowest(LoadWindow window, string fault) =>
        $"{fault}, slowest: " + string.Join(", ", window.Outcomes.OrderByDescending(o => o.Latency).Take(5)
            .Select(o => $"{o.Latency.TotalMilliseconds:0} ms at {o.Scheduled.TotalSeconds:0.0} s"));

    private static void AssertAllAnswered(LoadWindow window, string fault) =>
        Assert.True(window.Failed == 0, $"{fault}: {window.Failed} failed, e.g. " + string.Join("\n", window.Outcomes.Where(o => o.Failure is not null).Take(5).Select(o => o.Failure)));

    private void Write(string table)
    {
        output.WriteLine(table);
        string path = Environment.GetEnvironmentVariable("CHAOS_REPORT") is { Length: > 0 } given ? given : Path.Combine(RepositoryPaths.Root, "artifacts", "chaos.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"rate {Rate.ToString(CultureInfo.InvariantCulture)} new texts/s, pauses of {Pause.TotalSeconds:0} s\n\n{table}");
    }

    /// <summary>
    /// Beside the table: every request of every window (when it was due, from the window's start, and its latency) and
    /// each process's output, for finding where a tail came from.
    /// </summary>
    private static void WriteDetails(ProcessCluster cluster, params (string Name, LoadWindow Window)[] windows)
    {
        string folder = Path.Combine(RepositoryPaths.Root, "artifacts", "chaos");
        Directory.CreateDirectory(folder);
        var csv = new StringBuilder("window,started_utc,due_s,latency_ms,send_lag_ms,server_timing,failure\n");
        foreach (var (name, window) in windows)
        {
            foreach (var o in window.Outcomes)
            {
                csv.Append(CultureInfo.InvariantCulture, $"{name},{window.StartedAt:HH:mm:ss.fff},{o.Scheduled.TotalSeconds:0.000},{o.Latency.TotalMilliseconds:0.0},{o.SendLag.TotalMilliseconds:0.0},{o.ServerTiming?.Replace(',', ' ')},{o.Failure?.Replace(',', ';').Replace('\n', ' ')}\n");
            }
        }
        File.WriteAllText(Path.Combine(folder, "requests.csv"), csv.ToString());
        File.WriteAllText(Path.Combine(folder, "api.log"), cluster.Api.Output);
        foreach (var (name, silo) in cluster.Silos)
        {
            File.WriteAllText(Path.Combine(folder, $"{name}.log"), silo.Output);
        }
    }

    private static double Setting(string name, double fallback) =>
        double.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value > 0 ? value : fallback;
}
