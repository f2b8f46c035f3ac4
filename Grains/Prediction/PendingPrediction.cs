using Grains.Interfaces;

namespace Grains.Prediction;

/// <summary>
/// The one computation in flight for a key (single flight). Callers join it; when every caller has
/// given up, <see cref="Abandoned"/> fires so queued inference is dropped rather than run for nobody.
/// </summary>
internal sealed class PendingPrediction
{
    private readonly CancellationTokenSource _abandon = new();
    private readonly TaskCompletionSource<PredictionResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _waiters;

    /// <summary>Cancelled once the last waiting caller has cancelled.</summary>
    public CancellationToken Abandoned => _abandon.Token;

    /// <summary>Joins the computation; the returned task ends with it or with <paramref name="cancellationToken"/>.</summary>
    public async Task<PredictionResult> WaitAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waiters);
        try
        {
            return await _completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (Interlocked.Decrement(ref _waiters) == 0 && !_completion.Task.IsCompleted)
            {
                _abandon.Cancel();
            }
            throw;
        }
    }

    public void Complete(PredictionResult result) => _completion.TrySetResult(result);

    public void Fail(Exception exception) => _completion.TrySetException(exception);
}
