using System.Collections.Concurrent;
using System.Collections.Immutable;
using PredictionCluster.Grains.Interfaces;

namespace PredictionCluster.Api.NearCache;

/// <summary>
/// Recent predictions, keyed by <see cref="PredictionKey"/> (model id and text), bounded by count. Two
/// generations: new entries go to the current one; when it is full it becomes the previous one and the
/// one before is dropped whole. A hit in the previous generation is copied forward, so what is asked for
/// stays and what is not ages out within two generations: LRU-like eviction with no per-hit bookkeeping,
/// no lock and no allocation on a hit.
/// </summary>
public sealed class PredictionNearCache
{
    private readonly int _generationSize;
    private readonly Lock _rotation = new();
    private Generation _current;
    private Generation _previous;

    public PredictionNearCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        _generationSize = capacity / 2;
        _current = new Generation();
        _previous = new Generation();
    }

    /// <summary>Entries held now (both generations, a key may count twice while it is copied forward).</summary>
    public int Count => Volatile.Read(ref _current).Count + Volatile.Read(ref _previous).Count;

    public bool TryGet(PredictionKey key, out ImmutableArray<float> scores)
    {
        if (Volatile.Read(ref _current).Entries.TryGetValue(key, out scores))
        {
            return true;
        }
        if (Volatile.Read(ref _previous).Entries.TryGetValue(key, out scores))
        {
            Add(key, scores);
            return true;
        }
        return false;
    }

    public void Add(PredictionKey key, ImmutableArray<float> scores)
    {
        var current = Volatile.Read(ref _current);
        if (current.Entries.TryAdd(key, scores) && Interlocked.Increment(ref current.Count) >= _generationSize)
        {
            Rotate(current);
        }
    }

    private void Rotate(Generation full)
    {
        lock (_rotation)
        {
            if (!ReferenceEquals(_current, full))
            {
                return; // another caller rotated it already
            }
            Volatile.Write(ref _previous, full);
            Volatile.Write(ref _current, new Generation());
        }
    }

    private sealed class Generation
    {
        public readonly ConcurrentDictionary<PredictionKey, ImmutableArray<float>> Entries = new();
        public int Count;
    }
}
