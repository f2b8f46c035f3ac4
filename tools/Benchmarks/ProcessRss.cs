namespace Benchmarks;

/// <summary>Resident memory of another process, as the kernel counts it: <c>VmRSS</c> of <c>/proc/PID/status</c>.</summary>
internal static class ProcessRss
{
    /// <summary>VmRSS of process <paramref name="pid"/> in bytes; an <see cref="IOException"/> when it is gone (or this is not Linux).</summary>
    public static long Read(int pid)
    {
        string path = $"/proc/{pid}/status";
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new IOException($"Process {pid} is not running (no {path}).", e);
        }
        foreach (string line in lines)
        {
            // "VmRSS:	  123456 kB"
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string[] fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                return long.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        throw new IOException($"{path} has no VmRSS line (a zombie process?).");
    }
}
