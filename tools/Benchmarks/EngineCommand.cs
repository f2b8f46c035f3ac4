using System.CommandLine;
using System.Diagnostics;

namespace Benchmarks;

/// <summary>
/// <c>engine</c>: raw model runs through the service's interop on synthetic full-length sentences, for every
/// batch size x sequence length; median and spread of the run time, and the sentence and token rates they give.
/// </summary>
internal static class EngineCommand
{
    public const string Name = "engine";

    // The default grid (12 cells, up to 4096 tokens a run) must finish in about a minute on 2 cores.
    private static readonly int[] DefaultBatches = [1, 8, 32];
    private static readonly int[] DefaultLengths = [16, 32, 64, 128];
    private const double DefaultSecondsPerCell = 2.5;
    private const int DefaultMinimumRuns = 5;
    private const int DefaultWarmupRuns = 2;

    // Short cells also warm up for this long: the first cells of a process otherwise run while the JIT recompiles
    // in the background and ORT's threads and the CPU clocks settle (measured: +10 % on batch 1 x 16).
    private const double DefaultWarmupSeconds = 0.5;

    // Bounds the preallocated sample buffer when runs are timed by duration (a tiny model can run 100k times/s).
    private const int MaximumTimedRuns = 200_000;

    public static Command Create()
    {
        var batchesOption = CliOptions.IntList("--batches", "batch sizes", DefaultBatches);
        var lengthsOption = CliOptions.IntList("--lengths", "sequence lengths in tokens, [CLS] and [SEP] included", DefaultLengths, minimum: 2);
        var iterationsOption = CliOptions.OptionalInt("--iterations", "exactly this many timed runs per cell (instead of --seconds)");
        var secondsOption = CliOptions.Double("--seconds", "timed runs per cell for this long", DefaultSecondsPerCell, minimum: 0.001);
        var minimumRunsOption = CliOptions.Int("--min-iterations", "timed runs per cell at least (with --seconds)", DefaultMinimumRuns);
        var warmupOption = CliOptions.Int("--warmup", "untimed runs per cell first", DefaultWarmupRuns, minimum: 0);
        var warmupSecondsOption = CliOptions.Double("--warmup-seconds", "and untimed runs for this long at least", DefaultWarmupSeconds);
        var jsonOption = CliOptions.Flag("--json", "end with one line SUMMARY {json}");
        var model = new ModelCommandOptions();
        var command = new Command(Name, "raw runs on synthetic sentences, every batch x length cell")
        {
            batchesOption, lengthsOption, iterationsOption, secondsOption, minimumRunsOption, warmupOption, warmupSecondsOption, jsonOption,
        };
        model.AddTo(command);
        command.Validators.Add(result =>
        {
            if (result.GetResult(iterationsOption) is { Implicit: false } && result.GetResult(secondsOption) is { Implicit: false })
            {
                result.AddError("Give --iterations or --seconds, not both.");
            }
        });
        command.SetAction(parse => Run(
            parse.InvocationConfiguration.Output,
            CliOptions.ListOr(parse.GetValue(batchesOption), DefaultBatches),
            CliOptions.ListOr(parse.GetValue(lengthsOption), DefaultLengths),
            parse.GetValue(iterationsOption),
            parse.GetValue(secondsOption),
            parse.GetValue(minimumRunsOption),
            parse.GetValue(warmupOption),
            parse.GetValue(warmupSecondsOption),
            parse.GetValue(jsonOption),
            model.Read(parse)));
        return command;
    }

    private static int Run(
        TextWriter output, int[] batches, int[] lengths, int? fixedRuns, double secondsPerCell, int minimumRuns, int warmupRuns, double warmupSeconds,
        bool json, BenchmarkModelSettings settings)
    {

        long started = Stopwatch.GetTimestamp();
        using var model = BenchmarkModel.Load(settings);
        int tooLong = lengths.FirstOrDefault(length => length > model.Model.MaxTokens);
        if (tooLong > 0)
        {
            throw new CommandLineException($"--lengths: {tooLong} is longer than the model's {model.Model.MaxTokens} tokens.");
        }

        var environment = BenchmarkEnvironment.Describe(model);
        environment.Write(output, "engine: raw runs, synthetic sentences, no padding", model);
        output.WriteLine(fixedRuns is not null
            ? $"# each cell: warm-up ({warmupRuns} runs and {warmupSeconds:0.##} s at least), then {fixedRuns} timed runs"
            : $"# each cell: warm-up ({warmupRuns} runs and {warmupSeconds:0.##} s at least), then timed runs for {secondsPerCell:0.##} s (at least {minimumRuns})");
        output.WriteLine();
        output.WriteLine($"{"batch",5} {"length",6} {"runs",6} {"median ms",10} {"p10 ms",9} {"p90 ms",9} {"sentences/s",12} {"tokens/s",10} {"alloc B/run",11} {"others %",8}");

        var inputs = new ModelInputs(model.Model, batches.Max(), batches.Max() * lengths.Max());
        var ticks = new long[fixedRuns ?? MaximumTimedRuns];
        var milliseconds = new double[ticks.Length];
        var random = new Random(20240607);
        var cells = new List<EngineCellResult>();
        foreach (int batch in batches)
        {
            foreach (int length in lengths)
            {
                inputs.FillSynthetic(batch, length, random);
                var cell = MeasureCell(inputs, batch, length, warmupRuns, warmupSeconds, fixedRuns, secondsPerCell, minimumRuns, ticks, milliseconds);
                cells.Add(cell);
                output.WriteLine($"{cell.Batch,5} {cell.Length,6} {cell.Runs,6} {cell.MedianMs,10:F2} {cell.P10Ms,9:F2} {cell.P90Ms,9:F2} {cell.SentencesPerSecond,12:F1} {cell.TokensPerSecond,10:F0} {cell.AllocatedBytesPerRun,11} {CpuInterference.Format(cell.OthersCpuPercent),8}");
            }
        }

        var peak = cells.MaxBy(c => c.TokensPerSecond)!;
        string loadAtEnd = MachineLoad.Read();
        double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        output.WriteLine();
        output.WriteLine("# others % = CPU share other processes used during the cell; above a few % the cell is disturbed");
        output.WriteLine($"# peak {peak.TokensPerSecond:F0} tokens/s at batch {peak.Batch} x {peak.Length}; load avg at end {loadAtEnd}; {elapsed:F1} s in all");
        if (json)
        {
            SummaryLine.Write(output, new EngineSummary(Name, environment, loadAtEnd, SummaryLine.Round(elapsed, 1), cells, peak.TokensPerSecond));
        }
        return 0;
    }

    /// <summary>
    /// Warms up (<paramref name="warmupRuns"/> runs and <paramref name="warmupSeconds"/> at least), collects
    /// garbage, then times each run on its own (Stopwatch timestamps around the call only; no
    /// I/O and no allocation by this loop). Stops after <paramref name="fixedRuns"/>, or once
    /// <paramref name="secondsPerCell"/> have passed and at least <paramref name="minimumRuns"/> were timed.
    /// </summary>
    private static EngineCellResult MeasureCell(
        ModelInputs inputs, int batch, int length, int warmupRuns, double warmupSeconds, int? fixedRuns, double secondsPerCell, int minimumRuns,
        long[] ticks, double[] milliseconds)
    {
        long warmupStart = Stopwatch.GetTimestamp();
        for (int i = 0; i < warmupRuns || Stopwatch.GetElapsedTime(warmupStart).TotalSeconds < warmupSeconds; i++)
        {
            inputs.Run(batch, length);
        }
        // A collection between cells, not during one: nothing left over from the last cell is paid for in this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        long budget = (long)(secondsPerCell * Stopwatch.Frequency);
        var cpuBefore = CpuInterference.Take();
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long start = Stopwatch.GetTimestamp();
        int runs = 0;
        while (true)
        {
            long before = Stopwatch.GetTimestamp();
            inputs.Run(batch, length);
            long after = Stopwatch.GetTimestamp();
            ticks[runs++] = after - before;
            bool done = fixedRuns is int n
                ? runs >= n
                : (runs >= minimumRuns && after - start >= budget) || runs == ticks.Length;
            if (done)
            {
                break;
            }
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        double? othersPercent = CpuInterference.OthersPercentSince(cpuBefore);

        for (int i = 0; i < runs; i++)
        {
            milliseconds[i] = ticks[i] * 1000.0 / Stopwatch.Frequency;
        }
        var stats = SampleStatistics.FromUnsorted(milliseconds.AsSpan(0, runs));
        double medianSeconds = stats.Median / 1000;
        return new EngineCellResult(
            batch,
            length,
            runs,
            SummaryLine.Round(stats.Median),
            SummaryLine.Round(stats.P10),
            SummaryLine.Round(stats.P90),
            SummaryLine.Round(stats.Min),
            SummaryLine.Round(stats.Max),
            SummaryLine.Round(batch / medianSeconds, 1),
            SummaryLine.Round((double)batch * length / medianSeconds, 0),
            allocated / runs,
            othersPercent);
    }
}
