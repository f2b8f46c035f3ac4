using PredictionCluster.Inference;
using PredictionCluster.Inference.Batching;
using Tests.Infrastructure;

namespace Tests.Grains;

/// <summary>The serving path over a real transformer graph (DistilBERT architecture, random weights).</summary>
public sealed class BenchmarkModelBatchingTests(BenchmarkModelFixture fixture) : IClassFixture<BenchmarkModelFixture>
{
    [Fact]
    public void Run_PaddedBatch_EqualsEachTextAlone()
    {
        var model = fixture.Model;
        var texts = Sst2.DevSentences.Take(12).ToArray();
        var encoded = texts.Select(t =>
        {
            var ids = new long[model.MaxTokens];
            return ids[..model.Tokenizer.Encode(t, ids)];
        }).ToArray();
        int columns = encoded.Max(e => e.Length);

        var batchIds = new long[texts.Length * columns];
        var batchMask = new long[texts.Length * columns];
        for (int row = 0; row < texts.Length; row++)
        {
            encoded[row].CopyTo(batchIds, row * columns);
            batchMask.AsSpan(row * columns, encoded[row].Length).Fill(1);
        }
        var batchLogits = new float[texts.Length * model.LabelCount];
        model.Run([batchIds, batchMask], texts.Length, columns, batchLogits);

        double maxDifference = 0;
        for (int row = 0; row < texts.Length; row++)
        {
            var mask = Enumerable.Repeat(1L, encoded[row].Length).ToArray();
            var logits = new float[model.LabelCount];
            model.Run([encoded[row], mask], 1, encoded[row].Length, logits);
            for (int label = 0; label < logits.Length; label++)
            {
                maxDifference = Math.Max(maxDifference, Math.Abs(logits[label] - batchLogits[row * model.LabelCount + label]));
            }
        }
        Assert.True(maxDifference < 1e-4, $"max |batched - alone| = {maxDifference}");
    }

    [Fact]
    public async Task InferAsync_ConcurrentCallers_BatchedScoresMatchUnbatched()
    {
        var texts = Sst2.DevSentences.Skip(100).Take(16).ToArray();
        float[][] alone = new float[texts.Length][];
        await using (var unbatched = new InferenceEngineHarness(fixture.Model, new InferenceOptions { MaxBatchSize = 1, IntraOpThreads = 2 }))
        {
            for (int i = 0; i < texts.Length; i++)
            {
                alone[i] = (await unbatched.Engine.ScoreAsync(texts[i], CancellationToken.None))!;
            }
        }
        await using var batched = new InferenceEngineHarness(fixture.Model, new InferenceOptions { MaxBatchSize = 16 });
        var together = await Task.WhenAll(texts.Select(t => batched.Engine.ScoreAsync(t, CancellationToken.None)));

        Assert.True(batched.Metrics.BatchCount < texts.Length);
        for (int i = 0; i < texts.Length; i++)
        {
            for (int label = 0; label < alone[i].Length; label++)
            {
                Assert.Equal(alone[i][label], together[i]![label], 1e-4f);
            }
        }
    }
}
