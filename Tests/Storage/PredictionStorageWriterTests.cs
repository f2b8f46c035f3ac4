using System.Collections.Immutable;
using System.Diagnostics;
using PredictionCluster.Grains.Storage;
using Microsoft.Extensions.Logging;
using Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tests.Storage;

/// <summary>
/// The background writer of predictions, without a silo (<see cref="StorageTier"/>): bounded, never blocking, drained
/// within its time when it stops.
/// </summary>
public sealed class PredictionStorageWriterTests(ITestOutputHelper output)
{
    private static readonly ImmutableArray<float> Scores = [0.25f, 0.75f];
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(10, 25)]
    [InlineData(1000, 5000)]
    public async Task FullQueue_DropsAndCountsWrites_WithoutBlocking(int capacity, int extra)
    {
        await using var tier = new StorageTier(options =>
        {
            options.WriteQueueCapacity = capacity;
            options.WriteTimeout = TimeSpan.FromSeconds(30); // hanging writes stay in flight for the whole test
        });
        tier.Storage.Hang();
        tier.Writer.Start();
        // Every writer takes one write and hangs on it, so that what follows stays in the queue.
        for (int i = 1; i <= PredictionStorageWriter.Writers; i++)
        {
            Assert.True(tier.Writer.TryEnqueue(NewGrain(), Scores));
            await WaitUntil.TrueAsync(() => tier.Storage.Pending == i, Eventually, $"{i} writers to hang on a write");
        }

        var clock = Stopwatch.StartNew();
        var accepted = Enumerable.Range(0, capacity + extra).Select(_ => tier.Writer.TryEnqueue(NewGrain(), Scores)).ToArray();
        var took = clock.Elapsed;

        output.WriteLine($"{capacity + extra} writes offered to a full writer in {took.TotalMilliseconds:F1} ms");
        Assert.Equal(capacity, accepted.Count(a => a));
        Assert.All(accepted.Skip(capacity), Assert.False);
        Assert.Equal(extra, tier.Metrics.WritesDroppedFor(StorageMetrics.QueueFull));
        Assert.Equal(capacity, tier.Writer.Queued);
        Assert.True(took < TimeSpan.FromSeconds(1), $"offering writes took {took}");
        // One line for the whole burst, not one per drop.
        Assert.Single(tier.LogsOf<PredictionStorageWriter>(LogLevel.Warning), line => line.Contains("write queue is full", StringComparison.Ordinal));

        // Redis answers again: what was accepted is stored, nothing more.
        tier.Storage.Answer();
        await WaitUntil.TrueAsync(() => tier.Storage.Stored == PredictionStorageWriter.Writers + capacity, Eventually, "the accepted writes to be stored");
        await tier.Writer.StopAsync(CancellationToken.None);
        Assert.Equal(PredictionStorageWriter.Writers + capacity, tier.Storage.Writes);
    }

    [Fact]
    public async Task Stop_StoresWhatIsQueued()
    {
        await using var tier = new StorageTier();
        tier.Storage.Hang();
        tier.Writer.Start();
        const int Count = 500;
        for (int i = 0; i < Count; i++)
        {
            Assert.True(tier.Writer.TryEnqueue(NewGrain(), Scores));
        }

        var clock = Stopwatch.StartNew();
        var stop = tier.Writer.StopAsync(CancellationToken.None);
        tier.Storage.Answer();
        await stop;

        output.WriteLine($"{Count} queued writes drained in {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(Count, tier.Storage.Stored);
        Assert.Equal(0, tier.Metrics.WritesDropped);
        Assert.False(tier.Writer.TryEnqueue(NewGrain(), Scores)); // a stopped writer takes nothing more
    }

    [Fact]
    public async Task Stop_WhileStorageHangs_GivesUpAfterTheDrainTime_AndCountsWhatWasNotStored()
    {
        await using var tier = new StorageTier(options => options.WriteTimeout = TimeSpan.FromSeconds(30));
        tier.Storage.Hang();
        tier.Writer.Start();
        const int Count = 50;
        for (int i = 0; i < Count; i++)
        {
            Assert.True(tier.Writer.TryEnqueue(NewGrain(), Scores));
        }
        await WaitUntil.TrueAsync(() => tier.Storage.Pending == PredictionStorageWriter.Writers, Eventually, "every writer to hang on a write");

        var clock = Stopwatch.StartNew();
        await tier.Writer.StopAsync(CancellationToken.None);
        var took = clock.Elapsed;

        output.WriteLine($"stop took {took.TotalMilliseconds:F0} ms (drain time {PredictionStorageWriter.DrainTimeout.TotalMilliseconds:F0} ms)");
        Assert.InRange(took, PredictionStorageWriter.DrainTimeout - TimeSpan.FromMilliseconds(100), PredictionStorageWriter.DrainTimeout + TimeSpan.FromSeconds(3));
        Assert.Equal(Count, tier.Metrics.WritesDroppedFor(StorageMetrics.Shutdown));
        Assert.Equal(0, tier.Storage.Stored);
    }

    [Fact]
    public async Task WriteOfAKeyStoredMeanwhile_IsNoFailure()
    {
        await using var tier = new StorageTier();
        tier.Writer.Start();
        var grain = NewGrain();

        Assert.True(tier.Writer.TryEnqueue(grain, Scores));
        Assert.True(tier.Writer.TryEnqueue(grain, Scores)); // a second activation of the same key, say
        await WaitUntil.TrueAsync(() => tier.Storage.Writes == 2 && tier.Storage.Pending == 0, Eventually, "both writes to reach storage");
        await tier.Writer.StopAsync(CancellationToken.None);

        Assert.Equal(1, tier.Storage.Stored);
        Assert.Equal(0, tier.Metrics.WritesDropped);
        Assert.False(tier.Health.IsFailing);
        Assert.False(tier.Circuit.IsOpen);
    }

    private static GrainId NewGrain() => GrainId.Create("prediction", Guid.NewGuid().ToString("N"));
}
