using System.Diagnostics;
using Grains.Interfaces;
using Grains.Prediction;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Benchmarks;

/// <summary>
/// <c>memory</c>: silo memory per cached prediction (activation + its scores, as a cluster silo holds them; grain
/// storage is Redis there), measured over <c>--keys</c> unique keys; then RSS while <c>--stream</c> unique keys
/// flow through the activation table with its default bounds, sampled ten times.
/// </summary>
internal static class MemoryCommand
{
    public const string Name = "memory";

    public static int Run(CommandLineOptions options, TextWriter output)
    {
        int keys = options.Int("--keys", 1_000_000);
        int stream = options.Int("--stream", 10_000_000);
        bool json = options.Flag("--json");
        options.RejectUnread();
        float[] scores = [0.25f, 0.75f];

        // 1. Per cached prediction: an unbounded table holding every key.
        var table = new ActivationTable(Options.Create(new ActivationOptions { MaxCount = keys, MaxMemoryMegabytes = 1 << 20 }), NullLogger<ActivationTable>.Instance);
        long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        long rssBefore = Rss();
        for (int i = 0; i < keys; i++)
        {
            Cache(table, PredictionKey.Compute("memory-benchmark", $"text {i}"), [scores[0], scores[1]]);
        }
        long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
        long rssAfter = Rss();
        double heapPerKey = (heapAfter - heapBefore) / (double)keys;
        double rssPerKey = (rssAfter - rssBefore) / (double)keys;
        output.WriteLine($"# {keys:N0} cached predictions (2 labels): {heapPerKey:F0} bytes/prediction of GC heap, {rssPerKey:F0} bytes/prediction of RSS");
        GC.KeepAlive(table);
        table = null;
        GC.Collect();

        // 2. A stream of unique keys through the default bounds (1 M activations, 256 MB): RSS must stay flat.
        var bounded = new ActivationTable(Options.Create(new ActivationOptions()), NullLogger<ActivationTable>.Instance);
        var samples = new List<double>();
        int every = Math.Max(1, stream / 10);
        var watch = Stopwatch.StartNew();
        for (int i = 0; i < stream; i++)
        {
            Cache(bounded, PredictionKey.Compute("memory-benchmark-stream", $"text {i}"), [scores[0], scores[1]]);
            if ((i + 1) % every == 0)
            {
                bounded.Collect();
                samples.Add(Rss() / 1048576.0);
                output.WriteLine($"  {i + 1,12:N0} keys streamed: RSS {samples[^1]:F0} MB, {bounded.Count:N0} activations");
            }
        }
        // The table fills during the first samples; flatness is judged from the second half of the stream.
        var steady = samples.Skip(samples.Count / 2).ToArray();
        double growth = steady.Length > 0 ? steady.Max() / steady.Min() - 1 : 0;
        output.WriteLine($"# RSS over the second half of the stream: {steady.Min():F0}–{steady.Max():F0} MB ({growth:P1} spread); {watch.Elapsed.TotalSeconds:F0} s");

        if (json)
        {
            SummaryLine.Write(output, new
            {
                command = Name,
                keys,
                heapBytesPerPrediction = SummaryLine.Round(heapPerKey, 1),
                rssBytesPerPrediction = SummaryLine.Round(rssPerKey, 1),
                stream,
                rssMegabytes = samples.Select(s => SummaryLine.Round(s, 1)).ToArray(),
                steadyRssSpreadPercent = SummaryLine.Round(growth * 100, 1),
            });
        }
        return 0;
    }

    private static void Cache(ActivationTable table, PredictionKey key, float[] scores)
    {
        var grain = table.Activate(key);
        grain.Resolve(out var pending, out bool owner);
        if (owner)
        {
            grain.Complete(pending!, new PredictionResult(PredictionStatus.Ok, scores, PredictionSource.Inference));
        }
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
