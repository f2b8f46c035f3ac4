using System.Diagnostics;

namespace Metrics;

/// <summary>
/// The process figures every Prometheus user expects under their standard names (per-silo CPU and memory panels
/// rely on them), read at scrape time rather than kept by instruments.
/// </summary>
internal static class ProcessMetrics
{
    private static readonly KeyValuePair<string, string>[] NoLabels = [];

    private static readonly double StartTimeSeconds = Process.GetCurrentProcess().StartTime.ToUniversalTime().Subtract(DateTime.UnixEpoch).TotalSeconds;

    public static IEnumerable<MetricFamily> Collect()
    {
        yield return Single("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", MetricType.Counter, Environment.CpuUsage.TotalTime.TotalSeconds);
        yield return Single("process_resident_memory_bytes", "Resident memory size in bytes.", MetricType.Gauge, Environment.WorkingSet);
        yield return Single("process_start_time_seconds", "Start time of the process since unix epoch in seconds.", MetricType.Gauge, StartTimeSeconds);
        yield return Single("dotnet_gc_heap_size_bytes", "Bytes of the managed heap after the last garbage collection (all generations, incl. fragmentation).", MetricType.Gauge, GC.GetGCMemoryInfo().HeapSizeBytes);
        yield return Single("dotnet_gc_allocated_bytes_total", "Bytes allocated on the managed heap since the process started.", MetricType.Counter, GC.GetTotalAllocatedBytes());
        var collections = new MetricSample[GC.MaxGeneration + 1];
        for (int generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            collections[generation] = new MetricSample([new("generation", "gen" + generation)], GC.CollectionCount(generation));
        }
        yield return new MetricFamily("dotnet_gc_collections_total", "Garbage collections since the process started, by generation.", MetricType.Counter, collections);
    }

    private static MetricFamily Single(string name, string help, MetricType type, double value) =>
        new(name, help, type, [new MetricSample(NoLabels, value)]);
}
