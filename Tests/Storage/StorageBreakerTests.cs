using System.Collections.Immutable;
using System.Diagnostics;
using PredictionCluster.Grains.Prediction;
using PredictionCluster.Grains.Storage;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tests.Storage;

/// <summary>
/// The storage tier's budgets and breaker over a storage that hangs (<see cref="StorageTier"/>, no silo): reads wait
/// their budget until the breaker opens, then nothing waits; the probe closes it when storage answers again; the
/// outage is logged once and readiness is Degraded meanwhile.
/// </summary>
public sealed class StorageBreakerTests(ITestOutputHelper output)
{
    private static readonly ImmutableArray<float> Scores = [0.25f, 0.75f];
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task HangingStorage_OpensTheBreaker_NothingWaitsOnIt_AndTheProbeClosesItWhenStorageAnswers()
    {
        // The default budget: a loaded machine refuses a call well within it, and fits the failed reads that open the
        // breaker into its sampling window.
        var readTimeout = TimeSpan.FromMilliseconds(100);
        await using var tier = new StorageTier(options =>
        {
            options.ReadTimeout = readTimeout;
            options.WriteTimeout = TimeSpan.FromMilliseconds(200);
        });
        await tier.Probe.StartAsync(CancellationToken.None);
        tier.Writer.Start();
        tier.Storage.Hang();

        // Closed: each read waits its budget, then is a miss, until enough of them have failed.
        var clock = Stopwatch.StartNew();
        var outcomes = new List<StorageOutcome>();
        while (outcomes.Count < 10 && !tier.Circuit.IsOpen)
        {
            outcomes.Add(await tier.Guarded.ReadAsync(NewGrain(), new GrainState<PredictionState>()));
        }
        output.WriteLine($"breaker open after {outcomes.Count} reads that waited {clock.Elapsed.TotalMilliseconds:F0} ms in all");
        Assert.True(tier.Circuit.IsOpen);
        Assert.All(outcomes, outcome => Assert.Equal(StorageOutcome.TimedOut, outcome));
        // With the warm-up read at start (a success) in the sampling window it takes one failure fewer.
        Assert.InRange(outcomes.Count, StoragePipeline.MinimumThroughput - 1, StoragePipeline.MinimumThroughput);
        Assert.True(clock.Elapsed >= readTimeout * outcomes.Count, $"{outcomes.Count} reads gave up after {clock.Elapsed}");
        int readsAtOpen = tier.Storage.Reads;

        // Open: reads are misses and writes are dropped, neither waiting on storage nor reaching it.
        clock.Restart();
        Assert.Equal(StorageOutcome.CircuitOpen, await tier.Guarded.ReadAsync(NewGrain(), new GrainState<PredictionState>()));
        Assert.True((await tier.Store.ReadAsync(NewGrain(), labelCount: 2)).IsDefault);
        var refused = clock.Elapsed;
        const int Writes = 20;
        for (int i = 0; i < Writes; i++)
        {
            Assert.True(tier.Writer.TryEnqueue(NewGrain(), Scores));
        }
        await WaitUntil.TrueAsync(() => tier.Metrics.WritesDroppedFor("circuit_open") == Writes, Eventually, "the writes to be dropped");
        output.WriteLine($"two reads refused by the open breaker in {refused.TotalMilliseconds:F1} ms (budget {readTimeout.TotalMilliseconds:F0} ms each)");
        Assert.True(refused < readTimeout, $"refused reads took {refused}");
        Assert.Equal(0, tier.Storage.Writes);
        var degraded = await tier.HealthCheck.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("circuit breaker is open", degraded.Description);

        // Probes keep failing while storage hangs (after 1 s, then 2 s): still one line for the outage.
        await WaitUntil.TrueAsync(() => tier.Storage.Reads >= readsAtOpen + 2, Eventually, "two probes of the open breaker");
        Assert.True(tier.Circuit.IsOpen);

        tier.Storage.Answer();
        clock.Restart();
        await WaitUntil.TrueAsync(() => !tier.Circuit.IsOpen, Eventually, "the breaker to close");
        output.WriteLine($"breaker closed {clock.Elapsed.TotalMilliseconds:F0} ms after storage answered again");

        Assert.Equal(HealthStatus.Healthy, (await tier.HealthCheck.CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.Single(tier.LogsOf<StorageCircuit>(LogLevel.Warning), line => line.Contains("circuit breaker opened", StringComparison.Ordinal));
        Assert.Single(tier.LogsOf<StorageCircuit>(LogLevel.Information), line => line.Contains("circuit breaker closed", StringComparison.Ordinal));
        // Polly's own per-call lines (a timeout is an Error to it) stay out of the log.
        Assert.DoesNotContain(tier.Logs.AtLeast(LogLevel.Information), entry => entry.Category.StartsWith("Polly", StringComparison.Ordinal));
        // And writes reach storage again.
        var grain = NewGrain();
        Assert.True(tier.Writer.TryEnqueue(grain, Scores));
        await WaitUntil.TrueAsync(() => tier.Storage.Stored == 1, Eventually, "a write after the breaker closed");
        Assert.Equal(Scores, await tier.Store.ReadAsync(grain, labelCount: 2));
        await tier.Writer.StopAsync(CancellationToken.None);
        await tier.Probe.StopAsync();
    }

    [Fact]
    public async Task ReadNotAnsweredWithinItsBudget_IsAMiss_AndItsLateAnswerLandsInAStateOfItsOwn()
    {
        var readTimeout = TimeSpan.FromMilliseconds(50);
        await using var tier = new StorageTier(options => options.ReadTimeout = readTimeout);
        var grain = NewGrain();
        tier.Writer.Start();
        Assert.True(tier.Writer.TryEnqueue(grain, Scores));
        await WaitUntil.TrueAsync(() => tier.Storage.Stored == 1, Eventually, "the write");
        Assert.Equal(Scores, await tier.Store.ReadAsync(grain, labelCount: 2));

        tier.Storage.Hang();
        var clock = Stopwatch.StartNew();
        var missed = await tier.Store.ReadAsync(grain, labelCount: 2);
        var took = clock.Elapsed;
        var late = new GrainState<PredictionState>();
        Assert.Equal(StorageOutcome.TimedOut, await tier.Guarded.ReadAsync(grain, late));
        output.WriteLine($"read given up after {took.TotalMilliseconds:F0} ms (budget {readTimeout.TotalMilliseconds:F0} ms)");
        Assert.True(missed.IsDefault);
        // Storage never answers: any finite wait shows the read was given up (a loaded machine fires timers late).
        Assert.InRange(took, readTimeout, TimeSpan.FromSeconds(5));
        Assert.Equal(1, tier.Metrics.ReadsFailed);
        Assert.Null(late.State);

        // The abandoned reads still end when storage answers, each into its caller's own state object.
        tier.Storage.Answer();
        await WaitUntil.TrueAsync(() => tier.Storage.Pending == 0 && late.State is not null, Eventually, "the abandoned reads to end");
        Assert.Equal(Scores, late.State!.Scores);
        await tier.Writer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ProviderNone_ReadsMissAndWritesAreNotQueued_WithoutTouchingStorage()
    {
        await using var tier = new StorageTier(options => options.Provider = StorageProvider.None);

        Assert.True((await tier.Store.ReadAsync(NewGrain(), labelCount: 2)).IsDefault);
        tier.Store.Save(NewGrain(), Scores);

        Assert.Equal(0, tier.Writer.Queued);
        Assert.Equal(0, tier.Storage.Reads + tier.Storage.Writes);
        Assert.Equal(0, tier.Metrics.ReadsFailed + tier.Metrics.WritesDropped);
        Assert.False(tier.Circuit.IsOpen);
    }

    private static GrainId NewGrain() => GrainId.Create("prediction", Guid.NewGuid().ToString("N"));
}
