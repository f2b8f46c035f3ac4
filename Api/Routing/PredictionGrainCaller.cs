using PredictionCluster.Grains.Interfaces;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Registry;

namespace PredictionCluster.Api.Routing;

/// <summary>
/// One text's call to its PredictionGrain. Embedded, the silo is in this process: the call goes straight to it, and
/// is neither timed nor repeated (admission bounds the wait; a slow call is a busy engine, never a lost one). In a
/// cluster, each attempt that runs past <see cref="RoutingOptions.AttemptTimeout"/> sends a probe to the same grain
/// (<see cref="IPredictionGrain.ProbeAsync"/>), which interleaves with the running call: a silo that is computing it
/// answers "running" at once, and the call goes on. A silo or gateway that is paused or cut off does not answer; a
/// grain that answers "not running" never got the call (the client sent it through a gateway it has since stopped
/// using: the probe went another way). Either way the attempt is abandoned and repeated (<see cref="GrainCallPipeline"/>).
/// An abandoned call may still complete in its grain: a repeat finds its answer. When the client drops a gateway
/// (<see cref="GatewayLossSignal"/>), every call in flight is repeated at once instead of waiting out its timeouts.
/// </summary>
public sealed partial class PredictionGrainCaller(bool embedded, ResiliencePipelineProvider<string> pipelines, IOptions<RoutingOptions> options,
    GatewayLossSignal gatewayLoss, ILogger<PredictionGrainCaller> logger, TimeProvider? time = null)
{
    private readonly ResiliencePipeline _pipeline = pipelines.GetPipeline(GrainCallPipeline.Name);
    private readonly RoutingOptions _options = options.Value;
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Whether calls go to a co-hosted silo (embedded mode): not timed, not repeated.</summary>
    public bool IsDirect => embedded;

    public ValueTask<PredictionResult> CallAsync(IPredictionGrain grain, string text, AdmissionTicket ticket, CancellationToken cancellationToken) =>
        embedded ? grain.PredictAsync(text, ticket, cancellationToken) : CallWithRetriesAsync(grain, text, ticket, cancellationToken);

    private async ValueTask<PredictionResult> CallWithRetriesAsync(IPredictionGrain grain, string text, AdmissionTicket ticket, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await _pipeline.ExecuteAsync(static (context, state) =>
            {
                context.Properties.Set(GrainCallPipeline.AttemptStarted, state.Self._time.GetTimestamp());
                return state.Self.AttemptAsync(state.Grain, state.Text, state.Ticket, context.CancellationToken);
            }, context, (Self: this, Grain: grain, Text: text, Ticket: ticket));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private async ValueTask<PredictionResult> AttemptAsync(IPredictionGrain grain, string text, AdmissionTicket ticket, CancellationToken cancellationToken)
    {
        var gatewayDropped = gatewayLoss.Next;
        var call = grain.PredictAsync(text, ticket, cancellationToken).AsTask();
        while (!await CompletesWithinAsync(call, _options.AttemptTimeout, gatewayDropped, cancellationToken))
        {
            ThrowIfGatewayDropped(grain, call, null, gatewayDropped);
            var probe = grain.ProbeAsync().AsTask();
            if (!await CompletesWithinAsync(probe, _options.ProbeTimeout, gatewayDropped, cancellationToken))
            {
                ThrowIfGatewayDropped(grain, call, probe, gatewayDropped);
                Abandon(call);
                Abandon(probe);
                throw new SiloUnreachableException(
                    $"Grain {grain.GetPrimaryKeyString()} did not answer within {_options.AttemptTimeout.TotalSeconds:0.###} s, nor a probe within {_options.ProbeTimeout.TotalSeconds:0.###} s: its silo or the gateway on the way is unreachable.");
            }
            if (probe.IsFaulted || !probe.Result)
            {
                // "Not running" can also mean "just finished": the grain answered the call before the probe, and the
                // two responses are not handled in order on the client (a busy machine has been seen to complete the
                // probe first). An answer in flight arrives within a probe's time; a call on a lost path does not.
                if (!probe.IsFaulted && await CompletesWithinAsync(call, _options.ProbeTimeout, gatewayDropped, cancellationToken))
                {
                    break;
                }
                ThrowIfGatewayDropped(grain, call, probe, gatewayDropped);
                Abandon(call);
                await probe; // a failed probe (a silo gone) fails the attempt with its own exception
                // The grain answers and runs no call: this one is stuck on another path (a gateway the client has
                // since stopped using, a silo declared dead meanwhile).
                throw new SiloUnreachableException(
                    $"Grain {grain.GetPrimaryKeyString()} answers but has not received the call sent {_options.AttemptTimeout.TotalSeconds:0.###} s ago: the path it took is unreachable.");
            }
            LogStillComputing(grain.GetPrimaryKeyString());
        }
        return await call;
    }

    /// <summary>
    /// True when <paramref name="task"/> has completed (in any way) within <paramref name="timeout"/>; false when the
    /// time ran out or the client dropped a gateway first.
    /// </summary>
    private async Task<bool> CompletesWithinAsync(Task task, TimeSpan timeout, Task gatewayDropped, CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAny(task, gatewayDropped).WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            return false;
        }
        return task.IsCompleted;
    }

    private static void ThrowIfGatewayDropped(IPredictionGrain grain, Task call, Task? probe, Task gatewayDropped)
    {
        if (gatewayDropped.IsCompleted)
        {
            Abandon(call);
            if (probe is not null)
            {
                Abandon(probe);
            }
            throw new GatewayDroppedException($"Grain {grain.GetPrimaryKeyString()} had not answered when the client dropped a gateway: the call is repeated.");
        }
    }

    /// <summary>An abandoned call may fail later (Orleans' response timeout): its failure is seen by nobody, on purpose.</summary>
    private static void Abandon(Task task) =>
        task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The call to grain {Grain} is still running and its silo answers: waiting on")]
    private partial void LogStillComputing(string grain);
}
