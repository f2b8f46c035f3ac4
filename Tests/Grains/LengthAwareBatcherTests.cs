using System.Buffers;
using System.Diagnostics.Metrics;
using PredictionCluster.Inference.Batching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Tests.Grains;

/// <summary>
/// Batches of texts of similar length, within both budgets; the oldest text gets a batch formed around it once it
/// has waited the reorder delay (on a fake clock: time moves only when a test says so).
/// </summary>
public sealed class LengthAwareBatcherTests
{
    private static readonly TimeSpan ReorderDelay = TimeSpan.FromMilliseconds(100);

    private readonly InferenceMetrics _metrics = new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());
    private readonly FakeTimeProvider _time = new();

    private InferenceRequest Text(int length) => new(ArrayPool<long>.Shared.Rent(Math.Max(length, 1)), length, _time.GetTimestamp(), null, CancellationToken.None);

    private LengthAwareBatcher Batcher(int maxBatchSize, int maxBatchTokens, int capacity) =>
        new(maxBatchSize, maxBatchTokens, capacity, ReorderDelay, _time, _metrics);

    [Fact]
    public void A_batch_is_the_run_of_similar_lengths_that_wastes_least()
    {
        var batcher = Batcher(maxBatchSize: 3, maxBatchTokens: 10_000, capacity: 16);
        var staged = new[] { 20, 5, 19, 21, 6 }.Select(Text).ToList();
        var batch = new List<InferenceRequest>();

        batcher.Form(staged, batch);

        Assert.Equal([19, 20, 21], batch.Select(r => r.Length).Order().ToArray());
        // What is left keeps its arrival order.
        Assert.Equal([5, 6], staged.Select(r => r.Length).ToArray());
    }

    [Fact]
    public void A_text_passed_over_until_the_reorder_delay_gets_a_batch_formed_around_it()
    {
        var batcher = Batcher(maxBatchSize: 3, maxBatchTokens: 10_000, capacity: 6);
        var outlier = Text(2);
        var staged = new List<InferenceRequest> { outlier };
        // Batches of 40 ms: formed at 0, 40, 80 ms it is passed over; at 120 ms it is overdue.
        for (int round = 0; round < 4; round++)
        {
            while (staged.Count < 6)
            {
                staged.Add(Text(10));
            }
            var batch = new List<InferenceRequest>();
            batcher.Form(staged, batch);
            Assert.Equal(round == 3, batch.Contains(outlier));
            _time.Advance(TimeSpan.FromMilliseconds(40));
        }
    }

    [Fact]
    public void Fairness_is_in_time_not_in_batches_a_text_within_the_delay_is_passed_over_however_many_batches_run()
    {
        var batcher = Batcher(maxBatchSize: 3, maxBatchTokens: 10_000, capacity: 6);
        var outlier = Text(2);
        var staged = new List<InferenceRequest> { outlier };
        for (int round = 0; round < 20; round++)
        {
            while (staged.Count < 6)
            {
                staged.Add(Text(10));
            }
            var batch = new List<InferenceRequest>();
            batcher.Form(staged, batch);
            Assert.DoesNotContain(outlier, batch);
        }

        _time.Advance(ReorderDelay);
        var due = new List<InferenceRequest>();
        batcher.Form(staged, due);
        Assert.Contains(outlier, due);
    }

    [Fact]
    public void An_outlier_that_waited_long_enough_gets_a_tight_batch_rather_than_padding_a_full_one()
    {
        var batcher = Batcher(maxBatchSize: 4, maxBatchTokens: 10_000, capacity: 8);
        var outlier = Text(60);
        _time.Advance(ReorderDelay);
        var staged = new List<InferenceRequest> { outlier };
        staged.AddRange(Enumerable.Range(0, 7).Select(_ => Text(10)));
        var batch = new List<InferenceRequest>();

        batcher.Form(staged, batch);

        // Three texts of 10 padded to 60 would cost 150 tokens of padding; alone it costs only its run.
        Assert.Equal([outlier], batch);
        Assert.Equal(7, staged.Count);
    }

    [Fact]
    public void Batches_respect_the_size_and_padded_token_budgets_and_take_every_text_once()
    {
        var random = new Random(3);
        var batcher = Batcher(maxBatchSize: 8, maxBatchTokens: 200, capacity: 64);
        var all = Enumerable.Range(0, 64).Select(_ => Text(random.Next(3, 70))).ToList();
        var staged = all.ToList();
        var seen = new HashSet<InferenceRequest>();
        while (staged.Count > 0)
        {
            var batch = new List<InferenceRequest>();
            batcher.Form(staged, batch);

            Assert.InRange(batch.Count, 1, 8);
            Assert.True(batch.Count == 1 || batch.Count * batch.Max(r => r.Length) <= 200, "padded budget");
            Assert.All(batch, r => Assert.True(seen.Add(r), "a text batched twice"));
        }
        Assert.Equal(all.Count, seen.Count);
    }

    [Fact]
    public void Grouping_by_length_pads_far_less_than_arrival_order_on_mixed_lengths()
    {
        var random = new Random(5);
        int[] lengths = Enumerable.Range(0, 128).Select(_ => random.Next(4, 64)).ToArray();
        long arrivalPadded = lengths.Chunk(32).Sum(chunk => (long)chunk.Length * chunk.Max());

        var batcher = Batcher(maxBatchSize: 32, maxBatchTokens: 8192, capacity: 128);
        var staged = lengths.Select(Text).ToList();
        long groupedPadded = 0;
        while (staged.Count > 0)
        {
            var batch = new List<InferenceRequest>();
            batcher.Form(staged, batch);
            groupedPadded += (long)batch.Count * batch.Max(r => r.Length);
        }

        long real = lengths.Sum();
        Assert.True(groupedPadded < real * 1.35, $"grouped: {groupedPadded} padded tokens for {real} real");
        Assert.True(arrivalPadded > real * 1.5, $"arrival order: {arrivalPadded} padded tokens for {real} real");
    }

    [Fact]
    public void Texts_whose_callers_gave_up_are_dropped_not_batched()
    {
        var batcher = Batcher(maxBatchSize: 4, maxBatchTokens: 1000, capacity: 8);
        using var cancel = new CancellationTokenSource();
        var gone = new InferenceRequest(ArrayPool<long>.Shared.Rent(8), 8, _time.GetTimestamp(), null, cancel.Token);
        var staged = new List<InferenceRequest> { gone, Text(8), Text(9) };
        cancel.Cancel();
        var batch = new List<InferenceRequest>();

        batcher.Form(staged, batch);

        Assert.DoesNotContain(gone, batch);
        Assert.Equal(2, batch.Count);
        Assert.Equal(1, _metrics.DroppedCount);
    }
}
