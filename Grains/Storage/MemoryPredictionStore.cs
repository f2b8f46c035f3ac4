using System.Collections.Concurrent;
using Grains.Interfaces;
using Microsoft.Extensions.Options;

namespace Grains.Storage;

/// <summary>
/// Grain storage in this process's memory: what embedded mode uses when no Redis is configured. It
/// outlives activations (collected activations come back without inference) but not the process.
/// </summary>
public sealed class MemoryPredictionStore(IOptions<MemoryStoreOptions> options) : IPredictionStore
{
    private readonly ConcurrentDictionary<PredictionKey, float[]> _entries = new();
    private readonly int _capacity = options.Value.Capacity;
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public ValueTask<float[]?[]> ReadManyAsync(IReadOnlyList<PredictionKey> keys, CancellationToken cancellationToken)
    {
        var values = new float[]?[keys.Count];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = _entries.TryGetValue(keys[i], out var scores) ? scores : null;
        }
        return ValueTask.FromResult(values);
    }

    public ValueTask WriteManyAsync(IReadOnlyList<KeyValuePair<PredictionKey, float[]>> entries, CancellationToken cancellationToken)
    {
        foreach (var (key, scores) in entries)
        {
            if (_entries.TryAdd(key, scores) && Interlocked.Increment(ref _count) > _capacity)
            {
                Shrink();
            }
        }
        return ValueTask.CompletedTask;
    }

    private void Shrink()
    {
        int toDrop = Math.Max(1, _capacity / 10);
        foreach (var (key, _) in _entries)
        {
            if (toDrop-- <= 0)
            {
                break;
            }
            if (_entries.TryRemove(key, out _))
            {
                Interlocked.Decrement(ref _count);
            }
        }
    }
}
