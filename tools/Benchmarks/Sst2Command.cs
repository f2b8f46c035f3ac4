using System.CommandLine;
using System.Diagnostics;

namespace Benchmarks;

/// <summary>
/// <c>engine-sst2</c>: the SST-2 dev sentences, tokenized by the service's tokenizer, run through the model in
/// batches formed as the service forms them (arrival order) and with length bucketing, to show what padding costs
/// and the best sentence rate the engine can reach on this length mix.
/// </summary>
internal static class Sst2Command
{
    public const string Name = "engine-sst2";

    private static readonly BatchingStrategy[] DefaultStrategies = [BatchingStrategy.Arrival, BatchingStrategy.Bucketed];
    private const int DefaultRepeats = 3;
    private const int DefaultWarmupBatches = 3;

    public static Command Create()
    {
        var dataOption = CliOptions.String("--data", "SST-2 style TSV (sentence first, a header line)", RepositoryFiles.Sst2Dev);
        var strategiesOption = new Option<BatchingStrategy[]?>("--strategies")
        {
            Description = "batching strategies to run, comma-separated [default: arrival,bucketed]",
            HelpName = "arrival,bucketed,windowed,single",
            CustomParser = result => result.Tokens.Count == 0 ? null : ParseStrategies(result.Tokens[0].Value, result.AddError),
        };
        var repeatsOption = CliOptions.Int("--repeats", "timed passes per strategy", DefaultRepeats);
        var warmupOption = CliOptions.Int("--warmup", "untimed batches first", DefaultWarmupBatches, minimum: 0);
        var limitOption = CliOptions.OptionalInt("--limit", "the first N sentences only");
        // Batch limits default to the service's (InferenceOptions / appsettings), like the session settings.
        var batchSizeOption = CliOptions.OptionalInt("--batch-size", "texts per batch at most (default: the service's, 32)");
        var batchTokensOption = CliOptions.OptionalInt("--batch-tokens", "padded tokens per batch at most (default: the service's, 8192)", minimum: 2);
        // Runs at the same time on one session, each on its own thread, as the service's workers run them.
        var workersOption = CliOptions.Int("--workers", "batches running at once, each on its own thread", 1);
        var jsonOption = CliOptions.Flag("--json", "end with one line SUMMARY {json}");
        var model = new ModelCommandOptions();
        var command = new Command(Name, "SST-2 dev sentences, batched as the service batches (arrival) and length-bucketed")
        {
            dataOption, strategiesOption, repeatsOption, warmupOption, limitOption, batchSizeOption, batchTokensOption, workersOption, jsonOption,
        };
        model.AddTo(command);
        command.SetAction(parse =>
        {
            var settings = model.Read(parse);
            return Run(
                parse.InvocationConfiguration.Output,
                RepositoryFiles.Resolve(parse.GetRequiredValue(dataOption)),
                CliOptions.ListOr(parse.GetValue(strategiesOption), DefaultStrategies),
                parse.GetValue(repeatsOption),
                parse.GetValue(warmupOption),
                parse.GetValue(limitOption),
                parse.GetValue(batchSizeOption) ?? settings.Options.MaxBatchSize,
                parse.GetValue(batchTokensOption) ?? settings.Options.MaxBatchTokens,
                parse.GetValue(workersOption),
                parse.GetValue(jsonOption),
                settings);
        });
        return command;
    }

    private static int Run(
        TextWriter output, string data, BatchingStrategy[] strategies, int repeats, int warmupBatches, int? limit, int maxBatchSize, int maxBatchTokens,
        int workers, bool json, BenchmarkModelSettings settings)
    {
        if (!File.Exists(data))
        {
            throw new CommandLineException($"--data: '{data}' does not exist.");
        }

        long started = Stopwatch.GetTimestamp();
        // Windowed: the texts in flight at once are a batch for every worker.
        int window = maxBatchSize * workers;
        using var model = BenchmarkModel.Load(settings);
        var sentences = Tokenize(model, ReadSentences(data, limit));
        var lengths = sentences.Select(s => s.Length).ToArray();
        var sortedLengths = lengths.Order().ToArray();
        long realTokens = lengths.Sum(l => (long)l);

        var environment = BenchmarkEnvironment.Describe(model);
        environment.Write(output, "engine-sst2: SST-2 sentences through the model, batched as the service batches", model);
        output.WriteLine($"# data      {data}: {sentences.Count} sentences, {realTokens} tokens (with [CLS]/[SEP]); length mean {realTokens / (double)sentences.Count:F1}, median {sortedLengths[sortedLengths.Length / 2]}, p90 {sortedLengths[(int)(0.9 * (sortedLengths.Length - 1))]}, max {sortedLengths[^1]}");
        output.WriteLine($"# batches   at most {maxBatchSize} texts and {maxBatchTokens} padded tokens (rows x longest); {warmupBatches} warm-up batch(es), then {repeats} timed pass(es) per strategy; {workers} worker(s)" +
            (strategies.Contains(BatchingStrategy.Windowed) ? $"; windowed: {window} texts at a time (batch size x workers)" : ""));
        output.WriteLine();
        output.WriteLine($"{"strategy",-9} {"batches",7} {"mean size",9} {"padded",8} {"overhead",8} {"median s",8} {"min s",7} {"max s",7} {"sentences/s",11} {"real tok/s",10} {"padded tok/s",12} {"others %",8}");

        var plans = strategies.ToDictionary(s => s, s => BatchFormer.Form(lengths, s, maxBatchSize, maxBatchTokens, window));
        int capacityRows = plans.Values.SelectMany(p => p).Max(b => b.Sentences.Length);
        int capacityCells = plans.Values.SelectMany(p => p).Max(b => b.PaddedTokens);
        var inputs = Enumerable.Range(0, workers).Select(_ => new ModelInputs(model.Model, capacityRows, capacityCells)).ToArray();
        var results = new List<StrategyResult>();
        foreach (var strategy in strategies)
        {
            var result = Measure(strategy, plans[strategy], sentences, inputs, repeats, warmupBatches, realTokens);
            results.Add(result);
            output.WriteLine($"{result.Strategy.ToString().ToLowerInvariant(),-9} {result.Batches,7} {result.MeanBatchSize,9:F1} {result.PaddedTokens,8} {result.PaddingOverheadPercent,7:F1}% {result.MedianSeconds,8:F3} {result.MinSeconds,7:F3} {result.MaxSeconds,7:F3} {result.SentencesPerSecond,11:F1} {result.RealTokensPerSecond,10:F0} {result.PaddedTokensPerSecond,12:F0} {CpuInterference.Format(result.OthersCpuPercent),8}");
        }

        string loadAtEnd = MachineLoad.Read();
        double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        output.WriteLine();
        output.WriteLine("# others % = CPU share other processes used during the strategy's passes; above a few % the figure is disturbed");
        output.WriteLine($"# overhead = padded / real tokens - 1; load avg at end {loadAtEnd}; {elapsed:F1} s in all");
        if (json)
        {
            SummaryLine.Write(output, new Sst2Summary(
                Name, environment, loadAtEnd, SummaryLine.Round(elapsed, 1), data, sentences.Count,
                SummaryLine.Round(realTokens / (double)sentences.Count, 2), sortedLengths[sortedLengths.Length / 2], sortedLengths[^1],
                maxBatchSize, maxBatchTokens, workers, results,
                results.ToDictionary(r => r.Strategy.ToString().ToLowerInvariant(), r => r.SentencesPerSecond)));
        }
        return 0;
    }

    /// <summary>The first column of a GLUE-style TSV, after its header line.</summary>
    public static IReadOnlyList<string> ReadSentences(string path, int? limit = null)
    {
        var sentences = File.ReadLines(path).Skip(1)
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t')[0]);
        return (limit is int n ? sentences.Take(n) : sentences).ToArray();
    }

    internal static List<long[]> Tokenize(BenchmarkModel model, IReadOnlyList<string> texts)
    {
        if (texts.Count == 0)
        {
            throw new CommandLineException("--data holds no sentences.");
        }
        var tokenizer = model.Model.Tokenizer;
        var scratch = new long[model.Model.MaxTokens];
        var sentences = new List<long[]>(texts.Count);
        foreach (string text in texts)
        {
            int length = tokenizer.Encode(text, scratch);
            sentences.Add(scratch[..length]);
        }
        return sentences;
    }

    private static BatchingStrategy[] ParseStrategies(string text, Action<string> error)
    {
        var strategies = new List<BatchingStrategy>();
        foreach (string name in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (char.IsAsciiDigit(name[0]) || !Enum.TryParse(name, ignoreCase: true, out BatchingStrategy strategy))
            {
                error($"--strategies: '{name}' is not one of {string.Join(", ", Enum.GetNames<BatchingStrategy>()).ToLowerInvariant()}.");
                return [];
            }
            if (!strategies.Contains(strategy))
            {
                strategies.Add(strategy);
            }
        }
        if (strategies.Count == 0)
        {
            error("--strategies needs at least one strategy.");
        }
        return strategies.ToArray();
    }

    /// <summary>
    /// Every batch once, in order; with several workers, each takes the next batch whenever it is free, as the
    /// service's workers do (a fixed share each would leave one idle while the other runs the long batches).
    /// </summary>
    private static void RunPass(IReadOnlyList<PlannedBatch> batches, IReadOnlyList<long[]> sentences, ModelInputs[] inputs)
    {
        int next = -1;
        void RunShare(int worker)
        {
            for (int i = Interlocked.Increment(ref next); i < batches.Count; i = Interlocked.Increment(ref next))
            {
                var batch = batches[i];
                inputs[worker].FillBatch(batch, sentences);
                inputs[worker].Run(batch.Sentences.Length, batch.Columns);
            }
        }

        if (inputs.Length == 1)
        {
            RunShare(0);
            return;
        }
        var threads = Enumerable.Range(0, inputs.Length).Select(w => new Thread(() => RunShare(w))).ToArray();
        foreach (var thread in threads)
        {
            thread.Start();
        }
        foreach (var thread in threads)
        {
            thread.Join();
        }
    }

    /// <summary>
    /// Warms up on the strategy's first batches, then times whole passes: fill + run for every batch, as the
    /// worker does, with no I/O and no allocation by this loop inside the timed region.
    /// </summary>
    private static StrategyResult Measure(
        BatchingStrategy strategy, IReadOnlyList<PlannedBatch> batches, IReadOnlyList<long[]> sentences, ModelInputs[] inputs,
        int repeats, int warmupBatches, long realTokens)
    {
        foreach (var worker in inputs)
        {
            for (int i = 0; i < Math.Min(warmupBatches, batches.Count); i++)
            {
                worker.FillBatch(batches[i], sentences);
                worker.Run(batches[i].Sentences.Length, batches[i].Columns);
            }
        }

        var seconds = new double[repeats];
        var cpuBefore = CpuInterference.Take();
        for (int repeat = 0; repeat < repeats; repeat++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            long start = Stopwatch.GetTimestamp();
            RunPass(batches, sentences, inputs);
            seconds[repeat] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        double? othersPercent = CpuInterference.OthersPercentSince(cpuBefore);
        var stats = SampleStatistics.FromUnsorted(seconds);
        long paddedTokens = batches.Sum(b => (long)b.PaddedTokens);
        return new StrategyResult(
            strategy,
            batches.Count,
            SummaryLine.Round(sentences.Count / (double)batches.Count, 2),
            realTokens,
            paddedTokens,
            SummaryLine.Round(100.0 * (paddedTokens / (double)realTokens - 1), 1),
            repeats,
            SummaryLine.Round(stats.Median),
            SummaryLine.Round(stats.Min),
            SummaryLine.Round(stats.Max),
            SummaryLine.Round(sentences.Count / stats.Median, 1),
            SummaryLine.Round(realTokens / stats.Median, 0),
            SummaryLine.Round(paddedTokens / stats.Median, 0),
            othersPercent);
    }
}
