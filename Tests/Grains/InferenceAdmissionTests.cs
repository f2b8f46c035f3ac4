using System.Collections.Concurrent;
using PredictionCluster.Inference;
using PredictionCluster.Inference.Batching;
using Microsoft.Extensions.Time.Testing;
using Tests.Infrastructure;

namespace Tests.Grains;

/// <summary>
/// Admission within the queueing budget, whole requests, fairness in time and no needless delay, on a fake clock:
/// each batch "takes" exactly the time a test advances the clock by inside the run, so the engine's measured
/// throughput, and every decision drawn from it, is exact (1/8 s per batch: exact in binary floating point).
/// </summary>
public sealed class InferenceAdmissionTests(DefaultModelFixture fixture) : IClassFixture<DefaultModelFixture>
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan BatchTime = TimeSpan.FromMilliseconds(125);
    private const string Sentence = "a sentence of ordinary length that the engine measures its throughput with";

    private int Tokens(string text) => fixture.Model.Tokenizer.Encode(text, new long[fixture.Model.MaxTokens]);

    /// <summary>What one worker does per second once it has measured a batch of <see cref="Sentence"/> alone: its cost (tokens + per-run overhead) in <see cref="BatchTime"/>.</summary>
    private double MeasuredRate => (Tokens(Sentence) + LengthAwareBatcher.RunOverheadTokens) / BatchTime.TotalSeconds;

    /// <summary>An engine with one worker whose batches each take <see cref="BatchTime"/>; it has measured one batch of <see cref="Sentence"/>.</summary>
    private async Task<(InferenceEngineHarness Harness, ManualResetEventSlim Open, Task Entered)> MeasuredAndBlockedAsync(FakeTimeProvider time, InferenceOptions options)
    {
        var harness = new InferenceEngineHarness(fixture.Model, options, time);
        var open = new ManualResetEventSlim(true);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Engine.BatchRunning = _ =>
        {
            time.Advance(BatchTime);
            if (!open.IsSet)
            {
                entered.TrySetResult();
                open.Wait(Prompt);
            }
        };
        Assert.False((await harness.Engine.InferAsync(Sentence, CancellationToken.None)).IsRefused);
        Assert.Equal(MeasuredRate, harness.Engine.TokensPerSecond, 6);
        // The next batch holds the only worker until the test opens the gate: what is sent meanwhile queues.
        open.Reset();
        return (harness, open, entered.Task);
    }

    [Fact]
    public async Task InferAsync_WorkAheadPastTheBudget_RefusedAtOnce_QueueNeverHoldsMoreThanTheBudget()
    {
        var time = new FakeTimeProvider();
        var (harness, open, entered) = await MeasuredAndBlockedAsync(time, new InferenceOptions { Workers = 1, MaxBatchSize = 4, MaxQueueTime = TimeSpan.FromSeconds(1) });
        await using var _ = harness;
        var running = harness.Engine.InferAsync(Sentence, CancellationToken.None).AsTask();
        await entered.WaitAsync(Prompt);

        // The k-th queued text waits for the running one and k - 1 queued: k sentences, k * L / rate seconds.
        int length = Tokens(Sentence);
        int fit = (int)(MeasuredRate / length);
        var admitted = new List<Task<InferenceOutcome>>();
        InferenceOutcome refusal = default;
        for (int i = 0; i < 100; i++)
        {
            var call = harness.Engine.InferAsync(Sentence, CancellationToken.None);
            if (call.IsCompleted)
            {
                refusal = await call; // answered synchronously: nothing queued, no wait
                break;
            }
            admitted.Add(call.AsTask());
            // The work ahead of the text just admitted (everything but itself) is within the budget.
            var ahead = harness.Engine.ExpectedWait - TimeSpan.FromSeconds(length / MeasuredRate);
            if (ahead > TimeSpan.FromSeconds(1) + TimeSpan.FromMilliseconds(1))
            {
                open.Set();
                Assert.Fail($"admitted a text with {ahead.TotalMilliseconds} ms of work ahead of it");
            }
        }
        open.Set();

        Assert.Equal(fit, admitted.Count);
        Assert.True(refusal.IsRefused);
        // Its wait (fit + 1 sentences) in whole seconds.
        Assert.Equal(TimeSpan.FromSeconds(Math.Ceiling((fit + 1) * length / MeasuredRate)), refusal.RetryAfter);
        Assert.Equal(1, harness.Metrics.RejectedCount);

        await Task.WhenAll(admitted.Append(running)).WaitAsync(Prompt);
        Assert.Equal(1 + 1 + fit, harness.Metrics.TextCount);
        await WaitUntil.TrueAsync(() => Task.FromResult(harness.Engine.ExpectedWait == TimeSpan.Zero), Prompt, "the finished work to leave the queue");
    }

    [Fact]
    public async Task InferAsync_RequestOfManyTexts_IsAdmittedWholeOrRefusedWhole()
    {
        var time = new FakeTimeProvider();
        var (harness, open, entered) = await MeasuredAndBlockedAsync(time, new InferenceOptions { Workers = 1, MaxBatchSize = 4, MaxQueueTime = TimeSpan.FromSeconds(1) });
        await using var _ = harness;
        var running = harness.Engine.InferAsync(Sentence, CancellationToken.None).AsTask();
        await entered.WaitAsync(Prompt);
        int length = Tokens(Sentence);

        // A request of 5 texts, little ahead of it: admitted on its first text; the other 4 are reserved, so a text of
        // another request sees them ahead of it.
        var admittedRequest = Guid.NewGuid();
        var first = harness.Engine.InferAsync(Sentence, admittedRequest, 5, CancellationToken.None).AsTask();
        Assert.False(first.IsCompleted);
        Assert.Equal(6 * length / MeasuredRate, harness.Engine.ExpectedWait.TotalSeconds, 5); // running + first + 4 reserved

        // Single texts fill the rest of the budget, until one is refused. Each shares the engine with the request for
        // one text's work at most (its own: the request's other texts are batched beside it, not ahead of it).
        var singles = new List<Task<InferenceOutcome>>();
        while (true)
        {
            var call = harness.Engine.InferAsync(Sentence, CancellationToken.None);
            if (call.IsCompleted)
            {
                Assert.True((await call).IsRefused);
                break;
            }
            singles.Add(call.AsTask());
        }
        Assert.Equal((int)(MeasuredRate / length) - 1, singles.Count);

        // The admitted request's other texts come in past the budget: admitted all the same, its room was reserved.
        var rest = Enumerable.Range(0, 4).Select(_ => harness.Engine.InferAsync(Sentence, admittedRequest, 5, CancellationToken.None).AsTask()).ToArray();
        Assert.All(rest, call => Assert.False(call.IsCompleted));

        // A request of 20 texts now is refused on its first text (the singles and the whole 5-text request share the
        // engine with it), and every later text of it too.
        var refusedRequest = Guid.NewGuid();
        for (int i = 0; i < 20; i++)
        {
            var call = harness.Engine.InferAsync(Sentence, refusedRequest, 20, CancellationToken.None);
            Assert.True(call.IsCompleted, "a text of a refused request is answered at once");
            Assert.True((await call).IsRefused);
        }

        open.Set();
        var scored = await Task.WhenAll(rest.Prepend(first).Concat(singles).Append(running)).WaitAsync(Prompt);
        Assert.All(scored, outcome => Assert.False(outcome.IsRefused));
        Assert.Equal(1 + 1 + 5 + singles.Count, harness.Metrics.TextCount);
        Assert.Equal(1 + 20, harness.Metrics.RejectedCount);
    }

    [Fact]
    public async Task InferAsync_LargeRequestOnAnIdleEngine_IsAdmittedHoweverLongItsOwnTextsTake()
    {
        var time = new FakeTimeProvider();
        var (harness, open, _) = await MeasuredAndBlockedAsync(time, new InferenceOptions { Workers = 1, MaxBatchSize = 4, MaxQueueTime = TimeSpan.FromSeconds(1) });
        await using var __ = harness;
        open.Set(); // nothing running: nothing ahead

        // 100 sentences take several seconds of this engine's time, but none of it is queueing behind others.
        var request = Guid.NewGuid();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => harness.Engine.InferAsync(Sentence, request, 100, CancellationToken.None).AsTask())).WaitAsync(Prompt);

        Assert.All(outcomes, outcome => Assert.False(outcome.IsRefused));
        Assert.Equal(0, harness.Metrics.RejectedCount);
    }

    [Fact]
    public async Task InferAsync_QueuedTextCancelled_StopsCountingAsWorkAheadAtOnce()
    {
        var time = new FakeTimeProvider();
        var (harness, open, entered) = await MeasuredAndBlockedAsync(time, new InferenceOptions { Workers = 1, MaxBatchSize = 4 });
        await using var _ = harness;
        var running = harness.Engine.InferAsync(Sentence, CancellationToken.None).AsTask();
        await entered.WaitAsync(Prompt);
        var before = harness.Engine.ExpectedWait;
        using var giveUp = new CancellationTokenSource();
        var abandoned = harness.Engine.InferAsync(Sentence, giveUp.Token).AsTask();
        Assert.True(harness.Engine.ExpectedWait > before);

        // Cancelled (the API does this to a refused request's other texts): no longer ahead of anyone, though the
        // batch loop, its worker busy, has not dropped it yet.
        giveUp.Cancel();

        Assert.Equal(before, harness.Engine.ExpectedWait);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        open.Set();
        await running.WaitAsync(Prompt);
    }

    [Fact]
    public async Task InferAsync_BeforeAnyMeasurement_Admits_AndNothingWaitsForTheClock()
    {
        // The fake clock never moves: a batch loop that waited for a timer would never run anything.
        var time = new FakeTimeProvider();
        await using var harness = new InferenceEngineHarness(fixture.Model, new InferenceOptions { MaxQueueTime = TimeSpan.FromMilliseconds(1) }, time);

        var burst = await Task.WhenAll(Sst2.DevSentences.Take(50).Select(t => harness.Engine.ScoreAsync(t, CancellationToken.None))).WaitAsync(Prompt);

        Assert.All(burst, Assert.NotNull);
        Assert.Equal(0, harness.Metrics.RejectedCount);
        Assert.Equal(0, harness.Engine.TokensPerSecond);
    }

    [Fact]
    public async Task InferAsync_LoneTextOnAnIdleEngine_RunsAtOnceInABatchOfItsOwn()
    {
        var time = new FakeTimeProvider();
        await using var harness = new InferenceEngineHarness(fixture.Model, new InferenceOptions { Workers = 1 }, time);
        var started = time.GetTimestamp();
        long ranAt = 0;
        harness.Engine.BatchRunning = _ => ranAt = time.GetTimestamp();

        for (int i = 0; i < 3; i++)
        {
            Assert.NotNull(await harness.Engine.ScoreAsync($"{Sentence} {i}", CancellationToken.None).WaitAsync(Prompt));
        }

        Assert.Equal(3, harness.Metrics.BatchCount);
        Assert.Equal(started, ranAt); // no time passed on the engine's clock: nothing waited for company
    }

    [Fact]
    public async Task InferAsync_ShortTextBehindAStreamOfLaterLongTexts_IsServedWithinTheReorderDelay()
    {
        var time = new FakeTimeProvider();
        var batchTime = TimeSpan.FromMilliseconds(60);
        var reorderDelay = TimeSpan.FromMilliseconds(100);
        await using var harness = new InferenceEngineHarness(fixture.Model,
            new InferenceOptions { Workers = 1, MaxBatchSize = 2, MaxReorderDelay = reorderDelay, MaxQueueTime = TimeSpan.FromHours(1) }, time);
        string shortText = "fine";
        string longText = string.Join(' ', Enumerable.Repeat("a long sentence about a film", 12));
        int shortLength = Tokens(shortText);
        var open = new ManualResetEventSlim(false);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var batches = new ConcurrentQueue<(long At, bool HasShort)>();
        harness.Engine.BatchRunning = batch =>
        {
            batches.Enqueue((time.GetTimestamp(), batch.Any(r => r.Length == shortLength)));
            time.Advance(batchTime);
            entered.TrySetResult();
            open.Wait(Prompt);
        };
        var blocker = harness.Engine.ScoreAsync(longText, CancellationToken.None);
        await entered.Task.WaitAsync(Prompt);

        long shortArrived = time.GetTimestamp();
        var shortCall = harness.Engine.ScoreAsync(shortText, CancellationToken.None);
        var longCalls = Enumerable.Range(0, 16).Select(i => harness.Engine.ScoreAsync($"{longText} {i}", CancellationToken.None)).ToArray();
        open.Set();
        await Task.WhenAll(longCalls.Append(shortCall).Append(blocker)).WaitAsync(Prompt);

        var order = batches.ToArray();
        int shortBatch = Array.FindIndex(order, b => b.HasShort);
        var waited = time.GetElapsedTime(shortArrived, order[shortBatch].At);
        // Passed over for long texts that came after it (the batcher prefers full batches of similar length), but
        // no longer than the reorder delay plus the batch that was running when it fell due.
        Assert.True(shortBatch > 1, $"the short text ran in batch {shortBatch}: it was never passed over");
        Assert.True(waited <= reorderDelay + batchTime, $"the short text waited {waited.TotalMilliseconds} ms behind later texts");
        Assert.True(shortBatch < order.Length - 1, "the short text ran last");
    }
}
