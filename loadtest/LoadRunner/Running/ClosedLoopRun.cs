using System.Diagnostics;
using LoadRunner.Measurement;
using LoadRunner.Workload;

namespace LoadRunner.Running;

/// <summary>
/// Closed loop: N virtual users, each sending its next request as soon as the previous one was answered, until the
/// schedule ends. Latency is measured from the actual send, so a server stall delays the sends that would have
/// happened meanwhile and their latency is never seen (coordinated omission): use the open loop for tail latency.
/// </summary>
internal static class ClosedLoopRun
{
    public static Task RunAsync(PredictSender sender, RequestBodyFactory bodies, int virtualUsers, LoadSchedule schedule,
        RunStatistics warmup, RunStatistics measured, CancellationToken stop)
    {
        var users = new Task[virtualUsers];
        for (int i = 0; i < users.Length; i++)
        {
            users[i] = Task.Run(() => VirtualUserAsync(sender, bodies, schedule, warmup, measured, stop));
        }
        return Task.WhenAll(users);
    }

    private static async Task VirtualUserAsync(PredictSender sender, RequestBodyFactory bodies, LoadSchedule schedule,
        RunStatistics warmup, RunStatistics measured, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            long now = Stopwatch.GetTimestamp();
            if (now >= schedule.End)
            {
                return;
            }
            await sender.SendAsync(bodies.Next(), now, schedule.IsMeasured(now) ? measured : warmup).ConfigureAwait(false);
        }
    }
}
