using System.Collections.Concurrent;
using Grains.Interfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grains.Prediction;

/// <summary>
/// The silo's PredictionGrain activations, one per key, created on demand. Bounded: past
/// <see cref="ActivationOptions.Capacity"/> the least recently asked activations are collected, and idle
/// ones are collected on a timer, so memory stays flat however many unique texts stream through.
/// </summary>
public sealed partial class ActivationTable
{
    // Collection brings the table down to this share of capacity, so it does not run on every insert.
    private const double CollectionTarget = 0.9;
    // Activations sampled to estimate the access time below which to evict (keys are uniform hashes, so any sample is random).
    private const int EvictionSample = 1024;

    private readonly ConcurrentDictionary<PredictionKey, PredictionGrain> _grains = new();
    private readonly ILogger<ActivationTable> _logger;
    private readonly int _capacity;
    private readonly long _idleMilliseconds;
    private int _count;
    private int _collecting;

    public ActivationTable(IOptions<ActivationOptions> options, ILogger<ActivationTable> logger)
    {
        _logger = logger;
        _capacity = options.Value.Capacity;
        _idleMilliseconds = (long)options.Value.IdleTimeout.TotalMilliseconds;
    }

    /// <summary>Live activations.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Activations collected since start.</summary>
    public long Collected => Interlocked.Read(ref _collected);

    private long _collected;

    /// <summary>True when <paramref name="key"/> has an activation now (tests, diagnostics).</summary>
    public bool IsActive(PredictionKey key) => _grains.ContainsKey(key);

    internal PredictionGrain Activate(PredictionKey key)
    {
        while (true)
        {
            if (_grains.TryGetValue(key, out var grain))
            {
                return grain;
            }
            var created = new PredictionGrain(key);
            if (_grains.TryAdd(key, created))
            {
                if (Interlocked.Increment(ref _count) > _capacity)
                {
                    ScheduleCollection();
                }
                return created;
            }
        }
    }

    /// <summary>Collects idle activations and, when over capacity, the least recently asked ones.</summary>
    public void Collect()
    {
        long now = Environment.TickCount64;
        int removed = 0;
        int excess = Count - (int)(_capacity * CollectionTarget);
        long evictBefore = excess > 0 && Count > _capacity ? EstimateEvictionThreshold(excess) : long.MinValue;
        long idleBefore = now - _idleMilliseconds;
        long threshold = Math.Max(evictBefore, idleBefore);

        foreach (var (key, grain) in _grains)
        {
            if (grain.LastAccess <= threshold && grain.IsQuiescent && _grains.TryRemove(KeyValuePair.Create(key, grain)))
            {
                Interlocked.Decrement(ref _count);
                removed++;
            }
        }
        if (removed > 0)
        {
            Interlocked.Add(ref _collected, removed);
            LogCollected(removed, Count);
        }
    }

    private long EstimateEvictionThreshold(int excess)
    {
        var sample = new List<long>(EvictionSample);
        foreach (var (_, grain) in _grains)
        {
            sample.Add(grain.LastAccess);
            if (sample.Count == EvictionSample)
            {
                break;
            }
        }
        if (sample.Count == 0)
        {
            return long.MinValue;
        }
        sample.Sort();
        double share = Math.Clamp((double)excess / Math.Max(1, Count), 0, 1);
        return sample[Math.Min(sample.Count - 1, (int)(share * sample.Count))];
    }

    private void ScheduleCollection()
    {
        if (Interlocked.CompareExchange(ref _collecting, 1, 0) != 0)
        {
            return;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static table =>
        {
            try
            {
                table.Collect();
            }
            finally
            {
                Volatile.Write(ref table._collecting, 0);
            }
        }, this, preferLocal: false);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Collected {Removed} activation(s); {Count} remain")]
    private partial void LogCollected(int removed, int count);
}
