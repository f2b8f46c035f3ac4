namespace PredictionCluster.Api.Apis;

/// <summary>The body of <c>GET /info</c>; <see cref="BatchLimits"/> null from a silo too old to send them, <see cref="Silos"/> null when membership did not answer in time.</summary>
public sealed record ServiceInfo(ModelInfo Model, BatchLimits? BatchLimits, string Mode, int? Silos, string Version);
