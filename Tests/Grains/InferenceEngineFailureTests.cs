using PredictionCluster.Inference;
using PredictionCluster.Inference.Batching;
using Tests.Infrastructure;

namespace Tests.Grains;

/// <summary>What callers of the inference engine see when the model or the engine itself fails.</summary>
public sealed class InferenceEngineFailureTests(FaultyModel faulty) : IClassFixture<FaultyModel>
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task InferAsync_LogitsOverflowToInfinity_FailsThatTextAsNonFiniteAndServesTheOthers()
    {
        await using var harness = new InferenceEngineHarness(faulty.Model, new InferenceOptions { MaxBatchSize = 8 });

        var overflowing = harness.Engine.ScoreAsync(FaultyModel.Overflowing, CancellationToken.None);
        var ordinary = harness.Engine.ScoreAsync("good", CancellationToken.None);
        var large = harness.Engine.ScoreAsync(FaultyModel.LargeButFinite, CancellationToken.None);

        var failure = await Assert.ThrowsAsync<InferenceFailedException>(() => overflowing.WaitAsync(Prompt));
        Assert.Equal(InferenceFailure.NonFiniteScore, failure.Reason);
        Assert.True((await ordinary.WaitAsync(Prompt))![1] > 0.5f);
        Assert.Equal(new[] { 1f, 0f }, (await large.WaitAsync(Prompt))!);
    }

    [Fact]
    public async Task InferAsync_RunThrows_FailsThatBatchsCallersAndTheEngineServesOn()
    {
        await using var harness = new InferenceEngineHarness(faulty.Model, new InferenceOptions { MaxBatchSize = 1 });

        var failure = await Assert.ThrowsAsync<InferenceFailedException>(() => harness.Engine.ScoreAsync(FaultyModel.Crashing, CancellationToken.None).WaitAsync(Prompt));

        Assert.Equal(InferenceFailure.RunFailed, failure.Reason);
        Assert.Null(harness.Engine.Failure);
        for (int i = 0; i < 3; i++)
        {
            Assert.True((await harness.Engine.ScoreAsync("bad", CancellationToken.None).WaitAsync(Prompt))![0] > 0.5f);
        }
    }

    [Fact]
    public async Task InferAsync_BatchLoopDies_QueuedAndLaterCallersFailAtOnce()
    {
        await using var harness = new InferenceEngineHarness(faulty.Model, new InferenceOptions { MaxBatchSize = 2, Workers = 1 });
        var dying = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Engine.BatchFormed = _ =>
        {
            dying.TrySetResult();
            throw new InvalidOperationException("a bug in the batch loop");
        };

        var waiting = Enumerable.Range(0, 20).Select(_ => harness.Engine.ScoreAsync("good", CancellationToken.None)).ToArray();
        await dying.Task.WaitAsync(Prompt);

        foreach (var call in waiting)
        {
            await Assert.ThrowsAsync<InferenceUnavailableException>(() => call.WaitAsync(Prompt));
        }
        var later = harness.Engine.ScoreAsync("bad", CancellationToken.None);
        Assert.True(later.IsCompleted, "a caller after the engine died is answered at once");
        await Assert.ThrowsAsync<InferenceUnavailableException>(() => later);
        Assert.IsType<InvalidOperationException>(harness.Engine.Failure?.InnerException);
    }
}
