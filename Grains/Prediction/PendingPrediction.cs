using Grains.Interfaces;

namespace Grains.Prediction;

/// <summary>
/// The one computation in flight for a key (single flight). Callers join it; when every caller has
/// given up it is abandoned: <see cref="Abandoned"/> fires so queued inference is dropped rather than
/// run for nobody, and it takes no new callers (the grain starts a fresh computation for them).
/// </summary>
internal sealed class PendingPrediction
{
    private readonly CancellationTokenSource _abandon = new();
    private readonly TaskCompletionSource<PredictionResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    /// <summary>Guards <see cref="_waiters"/> and <see cref="_abandoned"/>: joining and abandoning must not interleave.</summary>
    private readonly Lock _gate = new();
    private int _waiters;
    private bool _abandoned;

    /// <summary>Cancelled once the last waiting caller has cancelled.</summary>
    public CancellationToken Abandoned => _abandon.Token;

    /// <summary>Counts a caller in; false once abandoned. A caller that joined must then call <see cref="WaitAsync"/>.</summary>
    public bool TryJoin()
    {
        lock (_gate)
        {
            if (_abandoned)
            {
                return false;
            }
            _waiters++;
            return true;
        }
    }

    /// <summary>Waits for the result; a cancelled wait leaves, and the last to leave abandons the computation.</summary>
    public async Task<PredictionResult> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Leave();
            throw;
        }
    }

    public void Complete(PredictionResult result) => _completion.TrySetResult(result);

    public void Fail(Exception exception) => _completion.TrySetException(exception);

    private void Leave()
    {
        lock (_gate)
        {
            if (--_waiters > 0 || _completion.Task.IsCompleted)
            {
                return;
            }
            _abandoned = true;
        }
        _abandon.Cancel();
    }
}
