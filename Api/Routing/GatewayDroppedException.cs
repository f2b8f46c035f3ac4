namespace PredictionCluster.Api.Routing;

/// <summary>
/// A grain call was in flight when the cluster client dropped a gateway (<see cref="GatewayLossSignal"/>): it is
/// abandoned and repeated at once, without the retry pipeline's backoff (a timeout, so
/// <see cref="GrainCallPipeline.IsTransient"/> says so).
/// </summary>
public sealed class GatewayDroppedException(string message) : TimeoutException(message);
