using System.Diagnostics;
using LoadRunner.Measurement;
using LoadRunner.Options;
using LoadRunner.Workload;

namespace LoadRunner.Running;

/// <summary>One run: prime the pool, warm up, measure, in the mode the options ask for.</summary>
internal static class LoadRun
{
    private const int MaxPrimingConcurrency = 16;

    public static async Task<RunResult> RunAsync(RunOptions options, IReadOnlyList<string> sentences, string textsPath, TextWriter progress, CancellationToken stop)
    {
        var bodies = new RequestBodyFactory(sentences, options.PoolSize, options.TextsPerRequest, options.CacheRate, RequestBodyFactory.NewRunTag());
        int connections = options.Mode == RunMode.ClosedLoop ? options.VirtualUsers : options.MaxInFlight;
        using var sender = new PredictSender(options, connections);

        var priming = new RunStatistics();
        if (options.Prime)
        {
            progress.WriteLine($"priming: sending the {bodies.PoolBodies.Count} pool request(s) once to {options.PredictUrl}");
            await PoolPrimer.RunAsync(sender, bodies.PoolBodies, Math.Min(MaxPrimingConcurrency, connections), priming, stop).ConfigureAwait(false);
        }

        string load = options.Mode == RunMode.ClosedLoop ? $"{options.VirtualUsers} virtual user(s)" : $"{options.Rate:0.###} requests/s";
        progress.WriteLine($"running: {load}, warmup {DurationText.Format(options.Warmup)}, measuring {DurationText.Format(options.Duration)}");
        var warmup = new RunStatistics();
        var measured = new RunStatistics();
        var schedule = LoadSchedule.StartingNow(options.Warmup, options.Duration);
        long stoppedAt = long.MaxValue;
        using (stop.Register(() => Interlocked.Exchange(ref stoppedAt, Stopwatch.GetTimestamp())))
        {
            var run = options.Mode == RunMode.ClosedLoop
                ? ClosedLoopRun.RunAsync(sender, bodies, options.VirtualUsers, schedule, warmup, measured, stop)
                : OpenLoopRun.RunAsync(sender, bodies, options.Rate, options.MaxInFlight, schedule, warmup, measured, stop);
            await run.ConfigureAwait(false);
        }

        long measuredEnd = Math.Min(schedule.End, Interlocked.Read(ref stoppedAt));
        double measuredSeconds = Math.Max(0, (measuredEnd - schedule.MeasureStart) / (double)Stopwatch.Frequency);
        return new RunResult(options, textsPath, sentences.Count, bodies.RunTag, priming, warmup, measured, measuredSeconds, stop.IsCancellationRequested);
    }
}
