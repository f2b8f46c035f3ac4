using PredictionCluster.Grains.Hosting;
using PredictionCluster.Grains.Prediction;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Polly;
using Polly.CircuitBreaker;
using Polly.Registry;
using Polly.Timeout;

namespace PredictionCluster.Grains.Storage;

/// <summary>
/// The predictions' grain storage behind <see cref="StoragePipeline"/>: each call waits at most its budget, none waits
/// while the breaker is open, and the outcome is a value. Reports what Redis did to <see cref="StorageHealth"/>.
/// </summary>
/// <remarks>
/// <see cref="IGrainStorage"/> takes no cancellation token, so a call given up keeps running until Redis answers or its
/// own command timeout fails it. The state object a caller passes must therefore be its own, read or written by nobody
/// else: a read abandoned now may still fill it later.
/// </remarks>
internal sealed class GuardedGrainStorage(
    [FromKeyedServices(PredictionStorage.Name)] IGrainStorage storage,
    ResiliencePipelineProvider<string> pipelines,
    StorageHealth health,
    IOptions<StorageOptions> options)
{
    /// <summary>The state name PredictionGrains store their scores under.</summary>
    internal const string StateName = "scores";

    private readonly ResiliencePipeline _pipeline = pipelines.GetPipeline(StoragePipeline.Name);
    private readonly TimeSpan _readTimeout = options.Value.ReadTimeout;
    private readonly TimeSpan _writeTimeout = options.Value.WriteTimeout;

    /// <summary>Reads <paramref name="grain"/>'s stored scores into <paramref name="into"/> within the read budget.</summary>
    public ValueTask<StorageOutcome> ReadAsync(GrainId grain, GrainState<PredictionState> into, CancellationToken cancellationToken = default) =>
        ReadAsync(grain, into, _readTimeout, cancellationToken);

    /// <summary>A read with a budget of its own (the warm-up at start, which may pay for compiling the path).</summary>
    public ValueTask<StorageOutcome> ReadAsync(GrainId grain, GrainState<PredictionState> into, TimeSpan budget, CancellationToken cancellationToken) =>
        RunAsync(() => storage.ReadStateAsync(StateName, grain, into), budget, cancellationToken);

    /// <summary>Writes <paramref name="state"/> as <paramref name="grain"/>'s within the write budget.</summary>
    public ValueTask<StorageOutcome> WriteAsync(GrainId grain, GrainState<PredictionState> state, CancellationToken cancellationToken = default) =>
        RunAsync(() => storage.WriteStateAsync(StateName, grain, state), _writeTimeout, cancellationToken);

    private async ValueTask<StorageOutcome> RunAsync(Func<Task> call, TimeSpan budget, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StoragePipeline.Budget, budget);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(static async (context, call) =>
            {
                Task? pending = null;
                try
                {
                    pending = call();
                    await pending.WaitAsync(context.CancellationToken).ConfigureAwait(false);
                    return Outcome.FromResult(true);
                }
                catch (Exception e)
                {
                    if (pending is { IsCompleted: false })
                    {
                        ObserveWhenDone(pending);
                    }
                    return Outcome.FromException<bool>(e);
                }
            }, context, call);
            return Report(outcome.Exception, cancellationToken);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private StorageOutcome Report(Exception? exception, CancellationToken cancellationToken)
    {
        var result = exception switch
        {
            null => StorageOutcome.Done,
            InconsistentStateException => StorageOutcome.Conflict,
            BrokenCircuitException => StorageOutcome.CircuitOpen,
            TimeoutRejectedException => StorageOutcome.TimedOut,
            OperationCanceledException when cancellationToken.IsCancellationRequested => StorageOutcome.Abandoned,
            _ => StorageOutcome.Failed,
        };
        switch (result)
        {
            case StorageOutcome.Done or StorageOutcome.Conflict:
                health.RecordSuccess();
                break;
            case StorageOutcome.TimedOut or StorageOutcome.Failed:
                health.RecordFailure(exception!);
                break;
        }
        return result;
    }

    /// <summary>
    /// A call given up on still ends some time (Redis answers, or its command timeout fails it); its failure then is
    /// nobody's to handle, and is observed here instead of surfacing as an unobserved task exception.
    /// </summary>
    private static void ObserveWhenDone(Task pending) =>
        pending.ContinueWith(static task => _ = task.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
