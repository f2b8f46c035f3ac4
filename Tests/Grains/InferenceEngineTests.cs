using PredictionCluster.Inference;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Model;
using Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tests.Grains;

public sealed class InferenceEngineTests(DefaultModelFixture fixture, FloatModelFixture floatFixture, ITestOutputHelper output)
    : IClassFixture<DefaultModelFixture>, IClassFixture<FloatModelFixture>
{
    [Fact]
    public async Task InferAsync_ConcurrentCallers_AreBatchedAndEachGetsItsOwnScores()
    {
        // The default model quantizes each linear layer's input with a scale fixed at build time, so a row's scores do
        // not depend on its batch companions or padding (a scale computed per batch at run time made 2 of these 64
        // labels change with the batch): a text gets the same answer whatever else is in flight.
        await AssertBatchingChangesNoScoreAsync(fixture.Model, "default (INT8)");
    }

    [Fact]
    public async Task InferAsync_FloatModel_BatchingChangesNoScore() =>
        await AssertBatchingChangesNoScoreAsync(floatFixture.Model, "float");

    private async Task AssertBatchingChangesNoScoreAsync(SentimentModel model, string name)
    {
        var (alone, together) = await AloneAndBatchedAsync(model);
        double worst = 0;
        for (int i = 0; i < alone.Length; i++)
        {
            for (int label = 0; label < together[i].Length; label++)
            {
                worst = Math.Max(worst, Math.Abs(alone[i][label] - together[i][label]));
            }
        }
        output.WriteLine($"{name}, {alone.Length} texts: max |score alone - batched| = {worst:E2}");
        Assert.True(worst < 1e-5, $"{name}: max |score alone - batched| = {worst}");
    }

    private static async Task<(float[][] Alone, float[][] Together)> AloneAndBatchedAsync(SentimentModel model)
    {
        var texts = Sst2.DevSentences.Take(64).ToArray();
        float[][] alone;
        await using (var unbatched = new InferenceEngineHarness(model, new InferenceOptions { MaxBatchSize = 1 }))
        {
            alone = new float[texts.Length][];
            for (int i = 0; i < texts.Length; i++)
            {
                alone[i] = (await unbatched.Engine.ScoreAsync(texts[i], CancellationToken.None))!;
            }
            Assert.Equal(texts.Length, unbatched.Metrics.BatchCount);
        }

        await using var batched = new InferenceEngineHarness(model, new InferenceOptions { MaxBatchSize = 32 });
        // The workers are held in their first run until every text is queued: a fast model (the INT8 copy) would
        // otherwise take texts as they arrive, in batches too small to say anything about batching.
        float[]?[] together;
        using (var gate = new WorkerGate(batched.Engine))
        {
            var pending = texts.Select(t => batched.Engine.ScoreAsync(t, CancellationToken.None)).ToArray();
            await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
            gate.Open();
            together = await Task.WhenAll(pending);
        }

        Assert.True(batched.Metrics.BatchCount < texts.Length / 4, $"{batched.Metrics.BatchCount} batches for {texts.Length} texts");
        for (int i = 0; i < texts.Length; i++)
        {
            Assert.Equal(model.LabelCount, together[i]!.Length);
            Assert.Equal(1f, together[i]!.Sum(), 1e-5f);
        }
        return (alone, together.Select(t => t!).ToArray());
    }

    [Fact]
    public async Task InferAsync_BatchTokenBudget_ClosesBatchBeforeOverflow()
    {
        // Budget for two rows of the longest text: batches can never hold more than that padded cost.
        var texts = Sst2.DevSentences.OrderByDescending(t => t.Length).Take(16).ToArray();
        int longest = texts.Max(t => fixture.Model.Tokenizer.Encode(t, new long[fixture.Model.MaxTokens]));
        await using var harness = new InferenceEngineHarness(fixture.Model, new InferenceOptions { MaxBatchSize = 32, MaxBatchTokens = 2 * longest });

        var results = await Task.WhenAll(texts.Select(t => harness.Engine.ScoreAsync(t, CancellationToken.None)));

        Assert.All(results, Assert.NotNull);
        Assert.True(harness.Metrics.BatchCount >= texts.Length / 2, $"{harness.Metrics.BatchCount} batches");
    }

    [Fact]
    public async Task InferAsync_QueueFull_RejectsAtOnceWithNull()
    {
        await using var harness = new InferenceEngineHarness(fixture.Model, new InferenceOptions { QueueCapacity = 1, MaxBatchSize = 1 });
        var texts = Sst2.DevSentences.Take(200).ToArray();

        var calls = texts.Select(t => harness.Engine.ScoreAsync(t, CancellationToken.None)).ToArray();
        var results = await Task.WhenAll(calls);

        int rejected = results.Count(r => r is null);
        Assert.True(rejected > 0, "a queue of one must reject a burst of 200");
        Assert.Equal(rejected, harness.Metrics.RejectedCount);
        Assert.Equal(texts.Length - rejected, harness.Metrics.TextCount);
    }

    [Fact]
    public async Task InferAsync_CallerCancelsWhileQueued_IsDroppedNotRun()
    {
        await using var harness = new InferenceEngineHarness(fixture.Model, new InferenceOptions { MaxBatchSize = 8, Workers = 1 });
        using var gate = new WorkerGate(harness.Engine);
        var blocker = harness.Engine.ScoreAsync("a text that keeps the only worker busy", CancellationToken.None);
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        using var giveUp = new CancellationTokenSource();

        var abandoned = harness.Engine.ScoreAsync("a caller that leaves", giveUp.Token);
        var kept = harness.Engine.ScoreAsync("a caller that stays", CancellationToken.None);
        giveUp.Cancel();
        gate.Open();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        Assert.NotNull(await kept);
        Assert.NotNull(await blocker);
        Assert.Equal(2, harness.Metrics.TextCount);
        Assert.Equal(1, harness.Metrics.DroppedCount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a")]
    public async Task InferAsync_EmptyOrTinyText_Scores(string text)
    {
        await using var harness = new InferenceEngineHarness(fixture.Model, new InferenceOptions());
        var scores = await harness.Engine.ScoreAsync(text, CancellationToken.None);
        Assert.Equal(1f, scores!.Sum(), 1e-5f);
    }

    [Fact]
    public async Task InferAsync_TextPastTokenLimit_IsTruncatedAndScored()
    {
        await using var harness = new InferenceEngineHarness(fixture.Model, new InferenceOptions());
        string longText = string.Join(' ', Enumerable.Repeat("wonderful", 5000));
        var scores = await harness.Engine.ScoreAsync(longText, CancellationToken.None);
        Assert.True(scores![1] > scores[0], "a text of 5000 'wonderful' is positive");
    }

    [Fact]
    public async Task StopAsync_WithQueuedTexts_DrainsThemFirst()
    {
        var harness = new InferenceEngineHarness(fixture.Model, new InferenceOptions { MaxBatchSize = 4 });
        var calls = Sst2.DevSentences.Take(100).Select(t => harness.Engine.ScoreAsync(t, CancellationToken.None)).ToArray();

        await harness.DisposeAsync();

        Assert.All(calls, c => Assert.True(c.IsCompletedSuccessfully));
        Assert.All(calls, c => Assert.NotNull(c.Result));
        Assert.Null(await harness.Engine.ScoreAsync("after stop", CancellationToken.None));
    }
}
