using PredictionCluster.Inference;
using System.CommandLine;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using PredictionCluster.Grains.Inference;
using PredictionCluster.Inference.Batching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Benchmarks;

/// <summary>
/// <c>engine-grain</c>: the SST-2 dev sentences, each made unique, through the service's own
/// <see cref="InferenceEngine"/> (queue, length-aware batcher, worker thread) by N closed-loop callers in this
/// process. No HTTP and no cache: the gap between this and <c>engine-sst2</c>'s bucketed rate is what dynamic
/// batching costs at that concurrency; the gap between this and the service's uncached figure is what
/// HTTP, JSON, keying, grain calls and caching cost. The name dates from when the engine was itself called
/// InferenceGrain; it is kept so that earlier figures and scripts still line up (the Orleans InferenceGrain is a
/// stateless worker that forwards to this engine, and is not measured here).
/// </summary>
internal static class GrainCommand
{
    public const string Name = "engine-grain";

    public static Command Create()
    {
        var dataOption = CliOptions.String("--data", "SST-2 style TSV (sentence first, a header line)", RepositoryFiles.Sst2Dev);
        var callersOption = CliOptions.Int("--callers", "closed-loop callers", 64);
        var secondsOption = CliOptions.Double("--seconds", "measured window", 20, minimum: 0.001);
        var warmupOption = CliOptions.Double("--warmup-seconds", "unmeasured load first", 3);
        var workersOption = CliOptions.OptionalInt("--workers", "batches running at once, as Inference:Workers (default: the service's, 0 = one per core)", minimum: 0);
        var jsonOption = CliOptions.Flag("--json", "end with one line SUMMARY {json}");
        // The service's own defaults (workers and intra-op threads), not the engine benchmarks' two threads.
        var model = new ModelCommandOptions(new InferenceOptions().IntraOpThreads);
        var command = new Command(
            Name,
            "unique SST-2 sentences through the service's InferenceEngine (queue, batcher, workers), no HTTP, no grain. " +
            "The name is kept from when the engine was called InferenceGrain; the Orleans InferenceGrain only forwards to it.")
        {
            dataOption, callersOption, secondsOption, warmupOption, workersOption, jsonOption,
        };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            var settings = model.Read(parse);
            settings.Options.Workers = parse.GetValue(workersOption) ?? settings.Options.Workers;
            return Run(
                parse.InvocationConfiguration.Output,
                RepositoryFiles.Resolve(parse.GetRequiredValue(dataOption)),
                parse.GetValue(callersOption),
                parse.GetValue(secondsOption),
                parse.GetValue(warmupOption),
                parse.GetValue(jsonOption),
                settings);
        });
        return command;
    }

    private static int Run(TextWriter output, string data, int callers, double seconds, double warmup, bool json, BenchmarkModelSettings settings)
    {
        if (!File.Exists(data))
        {
            throw new CommandLineException($"--data: '{data}' does not exist.");
        }

        long started = Stopwatch.GetTimestamp();
        using var model = BenchmarkModel.Load(settings);
        var sentences = Sst2Command.ReadSentences(data);
        var environment = BenchmarkEnvironment.Describe(model);
        environment.Write(output, $"engine-grain: unique SST-2 sentences through the InferenceEngine, {callers} closed-loop callers", model);
        var options = model.Options;
        // This measures throughput with a fixed number of callers, not admission: no text is refused for waiting.
        options.MaxQueueTime = TimeSpan.FromHours(1);
        output.WriteLine($"# batches   at most {options.MaxBatchSize} texts and {options.MaxBatchTokens} padded tokens, formed when a worker is idle, {options.WorkerCount} worker(s); warm-up {warmup} s, measured {seconds} s");

        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meterFactory = services.GetRequiredService<IMeterFactory>();
        using var batches = new BatchRecorder(meterFactory);
        var metrics = new InferenceMetrics(meterFactory);
        var engine = new InferenceEngine(model.Model, Options.Create(options), metrics, NullLogger<InferenceEngine>.Instance);
        engine.StartAsync(CancellationToken.None).GetAwaiter().GetResult();

        var window = RunAsync(engine, model, sentences, callers, warmup, seconds, batches).GetAwaiter().GetResult();
        engine.StopAsync(CancellationToken.None).GetAwaiter().GetResult();
        engine.Dispose();

        double rate = window.Texts / window.Seconds;
        // No text measured (a machine so busy that not one call came back in the window): no overhead to speak of.
        double overhead = window.RealTokens > 0 ? 100.0 * (window.PaddedTokens / (double)window.RealTokens - 1) : 0;
        // Share of the window each worker spent running the model (runs of several workers overlap).
        double busy = 100.0 * window.RunSeconds / (window.Seconds * options.WorkerCount);
        output.WriteLine();
        output.WriteLine($"{"callers",7} {"sentences/s",11} {"batches",7} {"mean size",9} {"overhead",8} {"busy %",6} {"padded tok/s",12} {"others %",8}");
        output.WriteLine($"{callers,7} {rate,11:F1} {window.Batches,7} {window.Texts / (double)Math.Max(1, window.Batches),9:F1} {overhead,7:F1}% {busy,6:F1} {window.PaddedTokens / window.Seconds,12:F0} {CpuInterference.Format(window.OthersPercent),8}");
        output.WriteLine();
        output.WriteLine("# overhead = padded / real tokens - 1 of the batches run; busy % = share of the window each worker was running the model");
        string loadAtEnd = MachineLoad.Read();
        output.WriteLine($"# load avg at end {loadAtEnd}; {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s in all");
        if (json)
        {
            SummaryLine.Write(output, new GrainSummary(
                Name, environment, loadAtEnd, callers, SummaryLine.Round(window.Seconds, 2), window.Texts,
                SummaryLine.Round(rate, 1), window.Batches, SummaryLine.Round(overhead, 1), SummaryLine.Round(busy, 1),
                window.OthersPercent));
        }
        return 0;
    }

    private static async Task<Window> RunAsync(
        InferenceEngine engine, BenchmarkModel model, IReadOnlyList<string> sentences, int callers, double warmup, double seconds, BatchRecorder batches)
    {
        long next = -1;
        long measuredTexts = 0, measuredRealTokens = 0;
        bool measuring = false, stop = false;
        // Token counts once, up front: the callers run next to the model, so they do no work it would not see.
        var tokenizer = model.Model.Tokenizer;
        var scratch = new long[model.Model.MaxTokens];
        int[] lengths = sentences.Select(s => tokenizer.Encode(s, scratch)).ToArray();
        if (tokenizer.Encode(sentences[0] + WhitespaceSpelling(long.MaxValue), scratch) != lengths[0])
        {
            throw new InvalidOperationException("This model's tokenizer keeps trailing whitespace: texts made unique by it would cost extra tokens.");
        }

        async Task CallerAsync()
        {
            while (!Volatile.Read(ref stop))
            {
                long n = Interlocked.Increment(ref next);
                int sentence = (int)(n % sentences.Count);
                // Unique by trailing whitespace spelling n (as loadtest/LoadRunner makes new texts): the tokenizer drops
                // it, so the model's work is the sentence's own.
                string text = sentences[sentence] + WhitespaceSpelling(n);
                var outcome = await engine.InferAsync(text, CancellationToken.None);
                if (outcome.IsRefused)
                {
                    throw new InvalidOperationException("The inference engine refused a text: raise Inference:QueueCapacity.");
                }
                if (Volatile.Read(ref measuring))
                {
                    Interlocked.Increment(ref measuredTexts);
                    Interlocked.Add(ref measuredRealTokens, lengths[sentence]);
                }
            }
        }

        var tasks = Enumerable.Range(0, callers).Select(_ => Task.Run(CallerAsync)).ToArray();
        await Task.Delay(TimeSpan.FromSeconds(warmup));
        var before = batches.Snapshot();
        var cpu = CpuInterference.Take();
        long start = Stopwatch.GetTimestamp();
        Volatile.Write(ref measuring, true);
        await Task.Delay(TimeSpan.FromSeconds(seconds));
        Volatile.Write(ref measuring, false);
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        var after = batches.Snapshot();
        double? others = CpuInterference.OthersPercentSince(cpu);
        Volatile.Write(ref stop, true);
        await Task.WhenAll(tasks);
        return new Window(
            elapsed, Interlocked.Read(ref measuredTexts), Interlocked.Read(ref measuredRealTokens),
            after.Batches - before.Batches, after.PaddedTokens - before.PaddedTokens, after.RunSeconds - before.RunSeconds, others);
    }

    private static string WhitespaceSpelling(long n)
    {
        var spelled = new System.Text.StringBuilder(" ");
        for (ulong rest = (ulong)n; rest > 0; rest >>= 2)
        {
            spelled.Append(" \t\n\r"[(int)(rest & 3)]);
        }
        return spelled.ToString();
    }

    private readonly record struct Window(
        double Seconds, long Texts, long RealTokens, long Batches, long PaddedTokens, double RunSeconds, double? OthersPercent);
}
