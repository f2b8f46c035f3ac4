namespace Benchmarks;

/// <summary>
/// How much of the machine other processes used while a measurement ran: (all busy CPU time - this process's CPU
/// time) / all CPU time, from /proc/stat and /proc/self/stat. On a shared 2-core machine a batch run with two
/// intra-op threads waits for its slowest thread, so even 10-20 % of someone else's load can double a run time;
/// this figure says which measurements to distrust. Both files count in the same clock ticks, so no tick rate is
/// assumed. Null where /proc is not available.
/// </summary>
internal readonly record struct CpuInterference(long TotalTicks, long BusyTicks, long SelfTicks)
{
    public static CpuInterference Take()
    {
        try
        {
            // "cpu  user nice system idle iowait irq softirq steal guest guest_nice": guest time is already in user.
            string[] cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
            long[] ticks = cpu.Skip(1).Take(8).Select(long.Parse).ToArray();
            long total = ticks.Sum();
            long busy = total - ticks[3] - ticks[4];

            // Fields after the parenthesized command name start at field 3 (state); utime and stime are fields 14 and 15.
            string self = File.ReadAllText("/proc/self/stat");
            string[] fields = self[(self.LastIndexOf(')') + 2)..].Split(' ');
            long selfTicks = long.Parse(fields[11]) + long.Parse(fields[12]);
            return new CpuInterference(total, busy, selfTicks);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or InvalidOperationException)
        {
            return new CpuInterference(-1, -1, -1);
        }
    }

    /// <summary>Percent of all CPU time other processes used between <paramref name="start"/> and now.</summary>
    public static double? OthersPercentSince(CpuInterference start)
    {
        var end = Take();
        long total = end.TotalTicks - start.TotalTicks;
        if (start.TotalTicks < 0 || end.TotalTicks < 0 || total <= 0)
        {
            return null;
        }
        long others = end.BusyTicks - start.BusyTicks - (end.SelfTicks - start.SelfTicks);
        return Math.Round(Math.Clamp(100.0 * others / total, 0, 100), 1);
    }

    /// <summary>For tables: "12.5" or "n/a".</summary>
    public static string Format(double? percent) => percent is double value ? value.ToString("F1") : "n/a";
}
