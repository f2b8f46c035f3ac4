using Grains.Interfaces;

namespace Grains.Prediction;

/// <summary>
/// The activation that owns one key: its state is the cached scores. Concurrent asks for a key that has
/// no state yet share one <see cref="PendingPrediction"/> (single flight).
/// </summary>
internal sealed class PredictionGrain(PredictionKey key)
{
    private float[]? _scores;
    private PendingPrediction? _pending;

    public PredictionKey Key { get; } = key;

    /// <summary><see cref="Environment.TickCount64"/> of the last ask: the idle-collection clock.</summary>
    public long LastAccess { get; private set; } = Environment.TickCount64;

    /// <summary>True when nothing is in flight, so the activation can be collected without losing work.</summary>
    public bool IsQuiescent => Volatile.Read(ref _pending) is null;

    /// <summary>
    /// Looks at the state: returns the scores if present; otherwise the pending computation, already joined
    /// (the caller must wait on it), with <paramref name="owner"/> true when this caller created it and must
    /// drive it to completion.
    /// </summary>
    public float[]? Resolve(out PendingPrediction? pending, out bool owner)
    {
        LastAccess = Environment.TickCount64;
        lock (this)
        {
            owner = false;
            pending = null;
            if (_scores is not null)
            {
                return _scores;
            }
            if (_pending is null || !_pending.TryJoin())
            {
                // Nothing in flight, or only a computation every caller abandoned: start afresh.
                _pending = new PendingPrediction();
                _pending.TryJoin();
                owner = true;
            }
            pending = _pending;
            return null;
        }
    }

    /// <summary>
    /// Ends <paramref name="pending"/>: scores become the state, anything else lets the next ask retry.
    /// A computation that is no longer the current one (already ended) changes nothing.
    /// </summary>
    public void Complete(PendingPrediction pending, PredictionResult result)
    {
        if (!Detach(pending, result.Status == PredictionStatus.Ok ? result.Scores : null))
        {
            return;
        }
        pending.Complete(result);
    }

    public void Fail(PendingPrediction pending, Exception exception)
    {
        if (!Detach(pending, null))
        {
            return;
        }
        pending.Fail(exception);
    }

    private bool Detach(PendingPrediction pending, float[]? scores)
    {
        lock (this)
        {
            if (!ReferenceEquals(_pending, pending))
            {
                return false;
            }
            _scores ??= scores;
            _pending = null;
            return true;
        }
    }
}
