using System.Diagnostics;

namespace LoadRunner.Running;

/// <summary>
/// The phases of a run as Stopwatch timestamps: warmup from <see cref="Start"/>, the measured window from
/// <see cref="MeasureStart"/> to <see cref="End"/>. A request belongs to the phase its start (or scheduled time) is in.
/// </summary>
internal readonly record struct LoadSchedule(long Start, long MeasureStart, long End)
{
    public static LoadSchedule StartingNow(TimeSpan warmup, TimeSpan duration)
    {
        long start = Stopwatch.GetTimestamp();
        long measureStart = start + ToTicks(warmup);
        return new LoadSchedule(start, measureStart, measureStart + ToTicks(duration));
    }

    /// <summary>Whether a request started at <paramref name="timestamp"/> is measured (not warmup).</summary>
    public bool IsMeasured(long timestamp) => timestamp >= MeasureStart;

    private static long ToTicks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}
