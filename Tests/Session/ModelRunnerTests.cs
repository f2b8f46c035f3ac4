using PredictionCluster.Inference.Session;
using Microsoft.ML.OnnxRuntime;
using Xunit.Abstractions;

namespace Tests.Session;

[Collection(SessionCollection.Name)]
public sealed class ModelRunnerTests(SessionTestModel model, ITestOutputHelper log)
{
    private static readonly (int Rows, int Columns)[] Shapes = [(1, 1), (1, 7), (2, 3), (4, 16), (8, 5), (16, 32), (3, 128)];

    private ModelRunner Logits(ModelSession session) => session.CreateRunner(SessionTestModel.InputNames, "logits", model.Classes);

    [Theory]
    [InlineData("logits")]
    [InlineData("pooled")]
    public void Run_SeveralBatchesAndLengths_MatchesHandComputationAndOnnxRuntimeNode(string outputName)
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());
        var width = outputName == "logits" ? model.Classes : model.Dim;
        var runner = session.CreateRunner(SessionTestModel.InputNames, outputName, width);

        var cases = Shapes.Select((s, i) =>
        {
            var (ids, mask) = model.MakeInputs(s.Rows, s.Columns, seed: 100 + i);
            return (s.Rows, s.Columns, Ids: ids, Mask: mask);
        }).ToList();
        var reference = model.RunReference(outputName, cases);
        double maxHand = 0, maxNode = 0;

        for (var c = 0; c < cases.Count; c++)
        {
            var (rows, columns, ids, mask) = cases[c];
            var output = new float[rows * width];
            var written = runner.Run(new[] { ids, mask }, rows, columns, output);

            Assert.Equal(rows * width, written);
            Assert.Equal([rows, (long)width], reference[c].Dims);

            var (logits, pooled) = model.Compute(ids, mask, rows, columns);
            var hand = outputName == "logits" ? logits : pooled;
            for (var i = 0; i < written; i++)
            {
                maxHand = Math.Max(maxHand, Math.Abs(hand[i] - output[i]));
                maxNode = Math.Max(maxNode, Math.Abs(reference[c].Data[i] - output[i]));
                Assert.True(Math.Abs(hand[i] - output[i]) < 1e-5, $"case {c} [{rows}x{columns}] #{i}: hand {hand[i]} vs {output[i]}");
                Assert.True(Math.Abs(reference[c].Data[i] - output[i]) < 1e-5, $"case {c} [{rows}x{columns}] #{i}: node {reference[c].Data[i]} vs {output[i]}");
            }
        }

        log.WriteLine($"{outputName}: max |ours - hand| {maxHand:E2}, max |ours - onnxruntime-node| {maxNode:E2}");
    }

    [Fact]
    public void Run_PooledBuffersLongerThanNeeded_UsesOnlyLeadingValues()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());
        var runner = Logits(session);
        var (ids, mask) = model.MakeInputs(2, 6, seed: 5);
        var longIds = ids.Concat(Enumerable.Repeat(49L, 100)).ToArray();
        var longMask = mask.Concat(Enumerable.Repeat(1L, 100)).ToArray();

        var exact = new float[4];
        var padded = new float[64];
        runner.Run(new[] { ids, mask }, 2, 6, exact);
        var written = runner.Run(new[] { longIds, longMask }, 2, 6, padded);

        Assert.Equal(4, written);
        Assert.Equal(exact, padded[..4]);
        Assert.All(padded[4..], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Run_InputOrderDiffersFromModel_FeedsByName()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());
        var forward = session.CreateRunner(["input_ids", "attention_mask"], "logits", 2);
        var reversed = session.CreateRunner(["attention_mask", "input_ids"], "logits", 2);
        var (ids, mask) = model.MakeInputs(3, 4, seed: 11);

        var a = new float[6];
        var b = new float[6];
        forward.Run(new[] { ids, mask }, 3, 4, a);
        reversed.Run(new[] { mask, ids }, 3, 4, b);

        Assert.Equal(a, b);
    }

    [Fact]
    public void Run_OutputTooSmall_ThrowsArgumentException()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());
        var runner = Logits(session);
        var (ids, mask) = model.MakeInputs(4, 3, seed: 2);

        var ex = Assert.Throws<ArgumentException>(() => runner.Run(new[] { ids, mask }, 4, 3, new float[7]));

        Assert.Equal("output", ex.ParamName);
        Assert.Contains("8", ex.Message);
    }

    [Fact]
    public void Run_InputBufferTooShort_ThrowsArgumentException()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());
        var runner = Logits(session);

        var ex = Assert.Throws<ArgumentException>(() => runner.Run(new[] { new long[6], new long[5] }, 2, 3, new float[4]));
        Assert.Contains("attention_mask", ex.Message);
    }

    [Fact]
    public void Run_WrongInputCount_ThrowsArgumentException()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());
        var runner = Logits(session);

        Assert.Throws<ArgumentException>(() => runner.Run(new[] { new long[6] }, 2, 3, new float[4]));
    }

    [Fact]
    public void Run_IdOutsideVocabulary_ThrowsOnnxRuntimeExceptionAndRunnerStaysUsable()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());
        var runner = Logits(session);

        var ex = Assert.Throws<OnnxRuntimeException>(() => runner.Run(new[] { new long[] { 1, 999 }, new long[] { 1, 1 } }, 1, 2, new float[2]));
        Assert.Contains("999", ex.Message);

        var (ids, mask) = model.MakeInputs(1, 2, seed: 4);
        Assert.Equal(2, runner.Run(new[] { ids, mask }, 1, 2, new float[2]));
    }

    [Fact]
    public void Run_ConcurrentThreads_GiveIdenticalResults()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings { IntraOpThreads = 1 });
        var runner = Logits(session);
        var inputs = Enumerable.Range(0, 8).Select(i => model.MakeInputs(1 + i, 3 + 2 * i, seed: 300 + i)).ToArray();
        var expected = inputs.Select((x, i) =>
        {
            var output = new float[(1 + i) * 2];
            runner.Run(new[] { x.Ids, x.Mask }, 1 + i, 3 + 2 * i, output);
            return output;
        }).ToArray();

        var mismatches = 0;
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            var output = new float[16];
            for (var n = 0; n < 250; n++)
            {
                var i = (thread + n) % inputs.Length;
                var written = runner.Run(new[] { inputs[i].Ids, inputs[i].Mask }, 1 + i, 3 + 2 * i, output);
                if (!output.AsSpan(0, written).SequenceEqual(expected[i]))
                {
                    Interlocked.Increment(ref mismatches);
                }
            }
        });

        Assert.Equal(0, mismatches);
    }

    [Fact]
    public async Task Dispose_WhileOtherThreadsRun_NeitherCrashesNorLeaksRuns()
    {
        // One intra-op thread: ORT's pool threads spin while waiting, which on a small CI box starves the workers.
        var session = ModelSession.Open(model.ModelPath, new SessionSettings { IntraOpThreads = 1 });
        var runner = Logits(session);
        var (ids, mask) = model.MakeInputs(4, 16, seed: 9);
        using var started = new CountdownEvent(4);

        var workers = Enumerable.Range(0, 4).Select(worker => Task.Factory.StartNew(() =>
        {
            var output = new float[8];
            var signalled = false;
            while (true)
            {
                try
                {
                    runner.Run(new[] { ids, mask }, 4, 16, output);
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                if (!signalled)
                {
                    started.Signal();
                    signalled = true;
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();   // own threads: spinning loops must not starve the pool

        Assert.True(started.Wait(TimeSpan.FromSeconds(30)));
        session.Dispose();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        // Once the in-flight runs drained, the native session was actually released.
        Assert.True(session.IsReleased);
    }
}
