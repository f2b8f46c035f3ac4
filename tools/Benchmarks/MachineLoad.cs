namespace Benchmarks;

/// <summary>
/// The 1/5/15-minute load averages. The build machines are shared: a figure measured while something else ran is
/// only comparable with its load next to it.
/// </summary>
internal static class MachineLoad
{
    /// <summary>"0.35 2.15 3.85" from /proc/loadavg, or "n/a" where there is none (not Linux).</summary>
    public static string Read()
    {
        try
        {
            string[] fields = File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length >= 3 ? string.Join(' ', fields[..3]) : "n/a";
        }
        catch (IOException)
        {
            return "n/a";
        }
        catch (UnauthorizedAccessException)
        {
            return "n/a";
        }
    }
}
