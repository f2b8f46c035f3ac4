using Xunit.Abstractions;

namespace Tests.LoadTest;

/// <summary>
/// A server that stalls once, as a GC pause or a lock would. The open loop keeps its timetable, so the requests
/// due during the stall wait and their latency (from the scheduled time) shows it; the closed loop just stops
/// sending and the stall appears in one sample only.
/// </summary>
[Collection(LoadRunnerCollection.Name)]
public sealed class CoordinatedOmissionTests(ITestOutputHelper log)
{
    private static readonly TimeSpan Stall = TimeSpan.FromMilliseconds(600);

    [Fact]
    public async Task OpenLoop_ServerStallsWithCapOfOne_TailShowsQueueingAndLateCounted()
    {
        await using var server = await StartStallingServerAsync(stallAtRequest: 50);

        // 100/s for 2 s, one request in flight at most: the ~60 requests due during the stall go out late, one by one.
        var run = await LoadRunnerInvocation.RunAsync("--url", server.Url, "--rate", "100", "--max-in-flight", "1", "--duration", "2s", "--warmup", "0", "--no-prime");
        log.WriteLine(run.Output);

        Assert.Equal(0, run.Long("errors"));
        Assert.True(run.Long("late") >= 20, $"late {run.Long("late")}");
        Assert.True(run.Double("max_ms") >= Stall.TotalMilliseconds * 0.9, $"max {run.Double("max_ms")} ms");
        Assert.True(run.Double("p99_ms") >= Stall.TotalMilliseconds / 2, $"p99 {run.Double("p99_ms")} ms: queueing behind the stall is missing");
        Assert.True(run.Double("p90_ms") >= Stall.TotalMilliseconds / 10, $"p90 {run.Double("p90_ms")} ms");
    }

    [Fact]
    public async Task ClosedLoop_ServerStalls_OneSlowSampleOnly()
    {
        await using var server = await StartStallingServerAsync(stallAtRequest: 100);

        var run = await LoadRunnerInvocation.RunAsync("--url", server.Url, "--vus", "1", "--duration", "1500ms", "--warmup", "0", "--no-prime");
        log.WriteLine(run.Output);

        Assert.Equal(0, run.Long("errors"));
        Assert.True(run.Double("max_ms") >= Stall.TotalMilliseconds * 0.9, $"max {run.Double("max_ms")} ms");
        // The point of the open loop: here the stall is invisible below the maximum.
        Assert.True(run.Double("p99_ms") < Stall.TotalMilliseconds / 2, $"p99 {run.Double("p99_ms")} ms");
    }

    private static Task<ScriptedPredictServer> StartStallingServerAsync(int stallAtRequest)
    {
        int requests = 0;
        return ScriptedPredictServer.StartAsync(async (context, _) =>
        {
            if (Interlocked.Increment(ref requests) == stallAtRequest)
            {
                await Task.Delay(Stall);
            }
            await ScriptedPredictServer.WriteAnswerAsync(context);
        });
    }
}
