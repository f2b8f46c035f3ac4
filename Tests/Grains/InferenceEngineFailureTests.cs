using Inference;
using Inference.Batching;
using Tests.Infrastructure;

namespace Tests.Grains;

/// <summary>What callers of the inference engine see when the model or the engine itself fails.</summary>
public sealed class InferenceEngineFailureTests(FaultyModel faulty) : IClassFixture<FaultyModel>
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task InferAsync_LogitsOverflowToInfinity_FailsThatTextAsNonFiniteAndServesTheOthers()
    {
        await using var harness = new InferenceEngineHarness(faulty.Model, new InferenceOptions { MaxBatchSize = 8, MaxBatchDelay = TimeSpan.FromMilliseconds(50) });

        var overflowing = harness.Engine.InferAsync(FaultyModel.Overflowing, CancellationToken.None).AsTask();
        var ordinary = harness.Engine.InferAsync("good", CancellationToken.None).AsTask();
        var large = harness.Engine.InferAsync(FaultyModel.LargeButFinite, CancellationToken.None).AsTask();

        var failure = await Assert.ThrowsAsync<InferenceFailedException>(() => overflowing.WaitAsync(Prompt));
        Assert.Equal(InferenceFailure.NonFiniteScore, failure.Reason);
        Assert.True((await ordinary.WaitAsync(Prompt))![1] > 0.5f);
        Assert.Equal(new[] { 1f, 0f }, (await large.WaitAsync(Prompt))!);
    }

    [Fact]
    public async Task InferAsync_RunThrows_FailsThatBatchsCallersAndTheEngineServesOn()
    {
        await using var harness = new InferenceEngineHarness(faulty.Model, new InferenceOptions { MaxBatchSize = 1 });

        var failure = await Assert.ThrowsAsync<InferenceFailedException>(() => harness.Engine.InferAsync(FaultyModel.Crashing, CancellationToken.None).AsTask().WaitAsync(Prompt));

        Assert.Equal(InferenceFailure.RunFailed, failure.Reason);
        Assert.Null(harness.Engine.Failure);
        for (int i = 0; i < 3; i++)
        {
            Assert.True((await harness.Engine.InferAsync("bad", CancellationToken.None).AsTask().WaitAsync(Prompt))![0] > 0.5f);
        }
    }

    [Fact]
    public async Task InferAsync_BatchLoopDies_QueuedAndLaterCallersFailAtOnce()
    {
        await using var harness = new InferenceEngineHarness(faulty.Model, new InferenceOptions { MaxBatchSize = 2, Workers = 1, MaxBatchDelay = TimeSpan.FromMilliseconds(20) });
        var dying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Engine.BatchFormed = _ =>
        {
            dying.TrySetResult();
            throw new InvalidOperationException("a bug in the batch loop");
        };

        var waiting = Enumerable.Range(0, 20).Select(_ => harness.Engine.InferAsync("good", CancellationToken.None).AsTask()).ToArray();
        await dying.Task.WaitAsync(Prompt);

        foreach (var call in waiting)
        {
            await Assert.ThrowsAsync<InferenceUnavailableException>(() => call.WaitAsync(Prompt));
        }
        var later = harness.Engine.InferAsync("bad", CancellationToken.None);
        Assert.True(later.IsCompleted, "a caller after the engine died is answered at once");
        await Assert.ThrowsAsync<InferenceUnavailableException>(() => later.AsTask());
        Assert.IsType<InvalidOperationException>(harness.Engine.Failure?.InnerException);
    }
}
