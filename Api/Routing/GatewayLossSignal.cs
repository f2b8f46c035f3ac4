using Orleans;

namespace PredictionCluster.Api.Routing;

/// <summary>
/// Tells grain calls in flight that the cluster client has just dropped a gateway (its silo was declared dead and the
/// gateway list refreshed). A call sent through that gateway will never be answered, and a call to a grain that lived
/// on that silo is answered only by its next activation: waiting out the rest of the attempt and probe times (up to
/// a second) only delays the repeat. Calls in flight when it fires are repeated at once (<see cref="PredictionGrainCaller"/>);
/// a repeat of a call that was fine costs a message and finds the same answer.
/// </summary>
public sealed partial class GatewayLossSignal(ILogger<GatewayLossSignal> logger)
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>Completes when a gateway is next dropped (after this property was read).</summary>
    public Task Next => Volatile.Read(ref _next).Task;

    /// <summary>The cluster client's <see cref="GatewayCountChangedHandler"/>.</summary>
    public void OnGatewayCountChanged(object? sender, GatewayCountChangedEventArgs e)
    {
        if (e.NumberOfConnectedGateways < e.PreviousNumberOfConnectedGateways)
        {
            LogGatewayDropped(e.PreviousNumberOfConnectedGateways, e.NumberOfConnectedGateways);
            Signal();
        }
    }

    /// <summary>Completes the current <see cref="Next"/> and starts a new one.</summary>
    public void Signal() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Information, Message = "The cluster client dropped a gateway ({Previous} -> {Current} live): calls in flight are repeated now")]
    private partial void LogGatewayDropped(int previous, int current);
}
