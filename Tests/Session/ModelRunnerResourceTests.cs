using System.Runtime.InteropServices;
using PredictionCluster.Inference.Session;
using Xunit.Abstractions;

namespace Tests.Session;

[Collection(SessionResourceCollection.Name)]
public sealed class ModelRunnerResourceTests(SessionTestModel model, ITestOutputHelper log)
{
    /// <summary>
    /// What one run allocates on the managed heap with two inputs: the binding's OrtValue wrappers and its name and
    /// handle arrays, our shape arrays. Measured 2026-12-01: see Inference/Session/README.md.
    /// </summary>
    private const int MaxAllocatedBytesPerRun = 1024;

    [Fact]
    public void Run_TenThousandTimes_KeepsResidentMemoryFlatAndAllocatesLittlePerRun()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings { IntraOpThreads = 1 });
        var runner = session.CreateRunner(SessionTestModel.InputNames, "logits", model.Classes);
        var batches = Enumerable.Range(0, 4).Select(i => model.MakeInputs(1 + 3 * i, 8 + 8 * i, seed: 50 + i)).ToArray();
        var inputs = batches.Select(b => new[] { b.Ids, b.Mask }).ToArray();
        var output = new float[64];

        void RunMany(int runs)
        {
            for (var n = 0; n < runs; n++)
            {
                var i = n % batches.Length;
                runner.Run(inputs[i], 1 + 3 * i, 8 + 8 * i, output);
            }
        }

        RunMany(1_000);   // warm-up: arena, memory patterns per shape, JIT
        Settle();
        var before = ResidentKilobytes();
        var managedBefore = GC.GetTotalMemory(forceFullCollection: true);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        RunMany(10_000);
        var elapsed = clock.Elapsed;
        var allocatedPerRun = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 10_000.0;
        Settle();
        var after = ResidentKilobytes();
        var managedAfter = GC.GetTotalMemory(forceFullCollection: true);

        log.WriteLine($"VmRSS before {before} kB, after {after} kB, growth {after - before} kB; managed {managedBefore} -> {managedAfter} bytes");
        log.WriteLine($"10,000 runs in {elapsed.TotalMilliseconds:F0} ms; managed allocation {allocatedPerRun:F0} bytes/run (2 inputs)");
        Assert.True(after - before < 20 * 1024, $"RSS grew by {after - before} kB over 10,000 runs");
        Assert.True(allocatedPerRun <= MaxAllocatedBytesPerRun, $"{allocatedPerRun:F0} bytes allocated per run");
    }

    [Fact]
    public void OpenAndDispose_ManySessions_KeepsResidentMemoryFlat()
    {
        void Cycle(int times)
        {
            for (var n = 0; n < times; n++)
            {
                using var session = ModelSession.Open(model.ModelPath, new SessionSettings { IntraOpThreads = 1 });
                var runner = session.CreateRunner(SessionTestModel.InputNames, "logits", model.Classes);
                runner.Run(new[] { new long[] { 1, 2 }, new long[] { 1, 1 } }, 1, 2, new float[2]);
            }
        }

        Cycle(20);
        Settle();
        var before = ResidentKilobytes();
        Cycle(200);
        Settle();
        var after = ResidentKilobytes();

        log.WriteLine($"VmRSS before {before} kB, after {after} kB over 200 open/run/dispose cycles");
        Assert.True(after - before < 20 * 1024, $"RSS grew by {after - before} kB over 200 sessions");
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        // Give glibc a chance to return freed pages, so RSS reflects live memory rather than allocator slack.
        _ = malloc_trim(0);
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);

    private static long ResidentKilobytes()
    {
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
    }
}
