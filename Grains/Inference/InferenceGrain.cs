using PredictionCluster.Inference;
using System.Runtime.InteropServices;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Grains.Interfaces;
using Orleans.Concurrency;

namespace PredictionCluster.Grains.Inference;

/// <summary>
/// Hands texts to the silo's <see cref="InferenceEngine"/>. One reentrant activation per silo, always local to
/// its caller: every concurrent call passes through at once and meets the others in the engine's batches (a
/// non-reentrant worker would run them one at a time, batches of one). The queue and batch loop live in the
/// engine, a DI singleton, because the runtime may add or collect activations at any time. The engine's
/// failures become result values here, so callers across silos get typed outcomes, not exceptions.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
internal sealed class InferenceGrain(InferenceEngine engine) : Grain, IInferenceGrain
{
    public async ValueTask<PredictionResult> InferAsync(string text, AdmissionTicket ticket, CancellationToken cancellationToken)
    {
        InferenceOutcome outcome;
        try
        {
            outcome = await engine.InferAsync(text, ticket.RequestId, ticket.Texts, cancellationToken);
        }
        catch (InferenceFailedException e)
        {
            return Failed(e.Reason == InferenceFailure.NonFiniteScore ? PredictionStatus.NonFiniteScore : PredictionStatus.ModelRunFailed);
        }
        catch (InferenceUnavailableException)
        {
            return Failed(PredictionStatus.InferenceStopped);
        }
        return outcome.IsRefused
            ? PredictionResult.Overloaded(outcome.RetryAfter)
            : new PredictionResult(PredictionStatus.Ok, ImmutableCollectionsMarshal.AsImmutableArray(outcome.Scores), PredictionSource.Inference)
            {
                Queued = outcome.Queued,
                Inference = outcome.Run,
            };
    }

    private static PredictionResult Failed(PredictionStatus status) => new(status, default, PredictionSource.Inference);
}
