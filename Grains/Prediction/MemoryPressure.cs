using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Statistics;

namespace PredictionCluster.Grains.Prediction;

/// <summary>
/// Whether the silo's memory is above the level where Orleans sheds activations
/// (<see cref="GrainCollectionOptions.MemoryUsageLimitPercentage"/>), read from the same statistics Orleans sheds by
/// (<see cref="IEnvironmentStatisticsProvider"/>: the GC's committed bytes less its fragmentation, smoothed, over the
/// memory available to the process). Orleans sheds at most once per gen2
/// collection, so a flood of new keys (thousands a second) can fill the heap between two rounds and kill the process;
/// above that level a PredictionGrain therefore does not stay in memory once it has answered, and new keys cost memory
/// only while they are in flight. Read from the GC at most every <see cref="RefreshInterval"/>: a key is asked far more
/// often than memory changes.
/// </summary>
internal sealed class MemoryPressure(IOptions<GrainCollectionOptions> options, IEnvironmentStatisticsProvider statistics, TimeProvider time)
{
    internal static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);

    private readonly double _limit = options.Value.EnableActivationSheddingOnMemoryPressure
        ? options.Value.MemoryUsageLimitPercentage / 100
        : double.PositiveInfinity;
    private long _readAt = long.MinValue;
    private volatile bool _high;

    public bool IsHigh
    {
        get
        {
            long now = time.GetTimestamp();
            long readAt = Interlocked.Read(ref _readAt);
            if (readAt != long.MinValue && time.GetElapsedTime(readAt, now) < RefreshInterval)
            {
                return _high;
            }
            if (Interlocked.CompareExchange(ref _readAt, now, readAt) == readAt)
            {
                _high = statistics.GetEnvironmentStatistics().NormalizedMemoryUsage > _limit;
            }
            return _high;
        }
    }
}
