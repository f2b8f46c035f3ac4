using System.Diagnostics;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>How a silo process ends on SIGTERM.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SiloShutdownTests
{
    [Fact]
    public async Task A_shutdown_budget_shorter_than_the_leave_pause_still_ends_in_a_clean_exit()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 1);
        // The leave pause is two refresh intervals (10 s here); the host allows 1 s for the whole shutdown.
        await using var silo = await cluster.StartSiloProcessAsync("silo-short", "--Membership:RefreshInterval=00:00:05", "--shutdownTimeoutSeconds=1");

        var stopwatch = Stopwatch.StartNew();
        int exitCode = await silo.StopAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, $"exit code {exitCode}:\n{silo.Output}");
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(8), $"stopped after {stopwatch.Elapsed}, not within the 1 s budget (+ start-up slack)");
    }
}
