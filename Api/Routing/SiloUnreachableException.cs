namespace PredictionCluster.Api.Routing;

/// <summary>
/// A grain call ran past <see cref="RoutingOptions.AttemptTimeout"/> and its grain did not answer a probe within
/// <see cref="RoutingOptions.ProbeTimeout"/>: the silo (or the gateway on the way) is paused, frozen or cut off. The
/// call is abandoned and repeated (a timeout, so <see cref="GrainCallPipeline.IsTransient"/> says so).
/// </summary>
public sealed class SiloUnreachableException(string message) : TimeoutException(message);
