using Grains.Interfaces;
using Grains.Prediction;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Tests.Grains;

/// <summary>Memory of the activation table, measured alone (GC heap figures are process-wide).</summary>
[Collection(MemoryMeasurementCollection.Name)]
public sealed class ActivationMemoryTests(ITestOutputHelper log)
{
    [Fact]
    public void Activate_MillionUniqueKeys_CountAndHeapStayBounded()
    {
        const int capacity = 20_000;
        var table = new ActivationTable(Options.Create(new ActivationOptions { MaxCount = capacity }), NullLogger<ActivationTable>.Instance);
        var scores = new[] { 0.25f, 0.75f };

        long heapAtCapacity = 0;
        for (int i = 0; i < 1_000_000; i++)
        {
            var grain = table.Activate(PredictionKey.Compute("model", $"text {i}"));
            grain.Resolve(out var pending, out bool owner);
            if (owner)
            {
                grain.Complete(pending!, new PredictionResult(PredictionStatus.Ok, scores, PredictionSource.Inference));
            }
            if (i == 2 * capacity)
            {
                table.Collect();
                heapAtCapacity = GC.GetTotalMemory(forceFullCollection: true);
            }
        }
        table.Collect();
        long heapAtEnd = GC.GetTotalMemory(forceFullCollection: true);

        log.WriteLine($"count {table.Count}, collected {table.Collected}, heap {heapAtCapacity / 1024} kB -> {heapAtEnd / 1024} kB");
        Assert.InRange(table.Count, 1, capacity);
        Assert.True(heapAtEnd - heapAtCapacity < 8 << 20, $"heap grew {(heapAtEnd - heapAtCapacity) / 1024} kB while 960,000 more keys streamed through");
    }

    [Fact]
    public void Activate_HundredThousandKeys_CostLessThanTheEstimatePerActivation()
    {
        const int count = 100_000;
        var table = new ActivationTable(Options.Create(new ActivationOptions()), NullLogger<ActivationTable>.Instance);
        var keys = Enumerable.Range(0, count).Select(i => PredictionKey.Compute("model", $"key {i}")).ToArray();
        long before = GC.GetTotalMemory(forceFullCollection: true);

        foreach (var key in keys)
        {
            var grain = table.Activate(key);
            grain.Resolve(out var pending, out _);
            grain.Complete(pending!, new PredictionResult(PredictionStatus.Ok, [0.5f, 0.5f], PredictionSource.Inference));
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);
        double perActivation = (after - before) / (double)count;

        log.WriteLine($"{perActivation:F0} bytes per activation with its scores (estimate {ActivationOptions.EstimatedBytesPerActivation})");
        Assert.Equal(count, table.Count);
        Assert.True(perActivation <= ActivationOptions.EstimatedBytesPerActivation, $"{perActivation:F0} bytes per activation");
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasurementCollection
{
    public const string Name = "Memory measurements";
}
