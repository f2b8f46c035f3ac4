using System.Runtime.InteropServices;
using Grains.Inference.OnnxRuntime;
using Xunit.Abstractions;

namespace Tests.OnnxRuntime;

[Collection(OrtResourceCollection.Name)]
public sealed unsafe class OrtResourceTests(OrtTestModel model, ITestOutputHelper log)
{
    [Fact]
    public void Run_TenThousandTimes_KeepsResidentMemoryFlat()
    {
        using var session = OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings());
        var runner = session.CreateRunner(OrtTestModel.InputNames, "logits");
        var batches = Enumerable.Range(0, 4).Select(i => model.MakeInputs(1 + 3 * i, 8 + 8 * i, seed: 50 + i)).ToArray();
        var output = new float[64];

        void RunMany(int runs)
        {
            for (var n = 0; n < runs; n++)
            {
                var i = n % batches.Length;
                runner.Run(new[] { batches[i].Ids, batches[i].Mask }, 1 + 3 * i, 8 + 8 * i, output, out _);
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
    }

    [Fact]
    public void OpenAndDispose_ManySessions_KeepsResidentMemoryFlat()
    {
        void Cycle(int times)
        {
            for (var n = 0; n < times; n++)
            {
                using var session = OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings { IntraOpThreads = 1 });
                var runner = session.CreateRunner(OrtTestModel.InputNames, "logits");
                runner.Run(new[] { new long[] { 1, 2 }, new long[] { 1, 1 } }, 1, 2, new float[2], out _);
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

    [Fact]
    public void NativeMethods_EnvAndMemoryInfoReleaseSlots_AreCallable()
    {
        // Production code never releases the process-wide env or memory info, so exercise those slots here.
        // CreateEnv on an existing env hands back a ref-counted reference; releasing it leaves the shared one intact.
        _ = OrtEnvironment.Instance;
        IntPtr env;
        fixed (byte* logId = "second\0"u8)
        {
            NativeMethods.VerifySuccess(NativeMethods.CreateEnv(2, logId, &env));
        }

        OrtHandle.Env(env).Dispose();

        IntPtr memoryInfo;
        NativeMethods.VerifySuccess(NativeMethods.CreateCpuMemoryInfo(0, 0, &memoryInfo));
        OrtHandle.MemoryInfo(memoryInfo).Dispose();

        using var session = OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings());
        var runner = session.CreateRunner(OrtTestModel.InputNames, "logits");
        Assert.Equal(2, runner.Run(new[] { new long[] { 3 }, new long[] { 1 } }, 1, 1, new float[2], out _));
    }

    [Fact]
    public void NativeMethods_SlotTable_IsStrictlyIncreasingAndWithinTable()
    {
        var slots = typeof(NativeMethods.Slot)
            .GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)
            .Select(f => (Name: f.Name, Index: (int)f.GetRawConstantValue()!))
            .ToList();

        Assert.Equal(41, slots.Count);
        Assert.Equal(slots.OrderBy(s => s.Index).Select(s => s.Name), slots.Select(s => s.Name));
        Assert.Equal(slots.Count, slots.Select(s => s.Index).Distinct().Count());
        // Every bound field must have been read from the table (non-null after Bind).
        OrtLibrary.Load();
        foreach (var field in typeof(NativeMethods).GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)
                     .Where(f => !f.IsLiteral))
        {
            var pointer = field.GetValue(null) switch
            {
                IntPtr p => p,
                var boxed => (IntPtr)System.Reflection.Pointer.Unbox(boxed!),
            };
            Assert.NotEqual(IntPtr.Zero, pointer);
        }
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
