using System.Diagnostics;
using System.Runtime.InteropServices;

namespace LoadRunner.Running;

/// <summary>
/// Blocks a dedicated thread until a Stopwatch timestamp, to within ~0.1 ms on Linux. The open loop's timetable
/// needs it: Task.Delay and timers follow the runtime's coarse clock (4 ms steps on a 250 Hz kernel), and
/// Thread.Sleep cannot wait less than a millisecond, either of which would add its error to every open-loop latency.
/// </summary>
internal static class PreciseSleep
{
    // Wake at least this often to notice a stop request during long gaps (very low rates).
    private static readonly long MaxSleepTicks = Stopwatch.Frequency / 10;

    /// <summary>Returns at or just after <paramref name="timestamp"/>, or early when <paramref name="stop"/> is cancelled.</summary>
    public static void Until(long timestamp, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            long remaining = timestamp - Stopwatch.GetTimestamp();
            if (remaining <= 0)
            {
                return;
            }
            long microseconds = Math.Max(1, Math.Min(remaining, MaxSleepTicks) * 1_000_000 / Stopwatch.Frequency);
            if (OperatingSystem.IsLinux())
            {
                _ = usleep((uint)microseconds);
            }
            else
            {
                Thread.Sleep((int)Math.Max(1, microseconds / 1000));
            }
        }
    }

    // nanosleep under the hood: microsecond resolution plus the thread's timer slack (50 µs by default).
    [DllImport("libc", SetLastError = false)]
    private static extern int usleep(uint microseconds);
}
