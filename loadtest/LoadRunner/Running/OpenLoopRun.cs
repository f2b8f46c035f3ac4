using System.Diagnostics;
using LoadRunner.Measurement;
using LoadRunner.Workload;

namespace LoadRunner.Running;

/// <summary>
/// Open loop at a constant arrival rate: request i is due at <c>start + i / rate</c>, whatever the server does.
/// Latency is measured from the due time, not from the actual send, so time spent waiting to be sent (a stalled
/// server holding the in-flight cap, or the runner falling behind) counts: no coordinated omission.
/// </summary>
/// <remarks>
/// At most <c>maxInFlight</c> requests are outstanding. A request due while the cap is full waits for a free slot,
/// is then sent, and is counted as <b>late</b>; requests still unsent <see cref="SendGrace"/> after the window ends
/// (the cap still full, or the runner itself behind) are counted as <b>dropped</b>. None is skipped silently. The
/// timetable is kept by one dedicated thread sleeping precisely (<see cref="PreciseSleep"/>); how late each request
/// actually left is recorded as the send lag, the runner's own share of the latency.
/// </remarks>
internal static class OpenLoopRun
{
    /// <summary>How long after the window's end a request due in it may still be sent before it counts as dropped.</summary>
    public static readonly TimeSpan SendGrace = TimeSpan.FromMilliseconds(100);

    public static Task RunAsync(PredictSender sender, RequestBodyFactory bodies, double rate, int maxInFlight,
        LoadSchedule schedule, RunStatistics warmup, RunStatistics measured, CancellationToken stop)
    {
        // A dedicated thread: the scheduler blocks (sleeping, or waiting for a slot) and must not hold a pool thread.
        return Task.Factory.StartNew(() => Run(sender, bodies, rate, maxInFlight, schedule, warmup, measured, stop),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private static void Run(PredictSender sender, RequestBodyFactory bodies, double rate, int maxInFlight,
        LoadSchedule schedule, RunStatistics warmup, RunStatistics measured, CancellationToken stop)
    {
        using var slots = new SemaphoreSlim(maxInFlight, maxInFlight);
        double interval = Stopwatch.Frequency / rate;
        long scheduled = (long)Math.Ceiling((schedule.End - schedule.Start) / interval);
        // A request due in the window may still leave a little after it ends (the last one, woken a few microseconds
        // late); only past this grace is the runner really behind, and what is left is dropped.
        long sendDeadline = schedule.End + (long)(SendGrace.TotalSeconds * Stopwatch.Frequency);
        using var deadlinePassed = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var untilDeadline = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), sendDeadline);
        deadlinePassed.CancelAfter(untilDeadline > TimeSpan.Zero ? untilDeadline : TimeSpan.Zero);

        for (long i = 0; i < scheduled; i++)
        {
            long due = schedule.Start + (long)(i * interval);
            PreciseSleep.Until(due, stop);
            if (stop.IsCancellationRequested)
            {
                break;
            }
            if (Stopwatch.GetTimestamp() >= sendDeadline)
            {
                // The runner fell so far behind that the window is over: what is left was never sent.
                measured.RecordDropped(CountMeasured(schedule, interval, i, scheduled));
                break;
            }
            var statistics = schedule.IsMeasured(due) ? measured : warmup;
            if (!slots.Wait(0))
            {
                try
                {
                    slots.Wait(deadlinePassed.Token);
                }
                catch (OperationCanceledException)
                {
                    if (!stop.IsCancellationRequested)
                    {
                        measured.RecordDropped(CountMeasured(schedule, interval, i, scheduled));
                    }
                    break;
                }
                statistics.RecordLate();
            }
            statistics.RecordSendLag(PredictSender.MicrosecondsBetween(due, Stopwatch.GetTimestamp()));
            _ = SendAndReleaseAsync(sender, bodies.Next(), due, statistics, slots);
        }

        // Every request ends within its timeout, so this returns: all slots free means nothing is in flight.
        for (int i = 0; i < maxInFlight; i++)
        {
            slots.Wait(CancellationToken.None);
        }
    }

    private static async Task SendAndReleaseAsync(PredictSender sender, RequestBody body, long due, RunStatistics statistics, SemaphoreSlim slots)
    {
        try
        {
            await sender.SendAsync(body, due, statistics).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }
    }

    /// <summary>Requests from index <paramref name="from"/> on (of <paramref name="scheduled"/>) that fall in the measured window.</summary>
    private static long CountMeasured(LoadSchedule schedule, double interval, long from, long scheduled)
    {
        long firstMeasured = (long)Math.Ceiling((schedule.MeasureStart - schedule.Start) / interval);
        return Math.Max(0, scheduled - Math.Max(from, firstMeasured));
    }
}
