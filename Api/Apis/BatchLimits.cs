namespace PredictionCluster.Api.Apis;

/// <summary>A batch's limits on the silos (<c>Inference:MaxBatchSize</c>, <c>Inference:MaxBatchTokens</c>).</summary>
public sealed record BatchLimits(int MaxTexts, int MaxPaddedTokens);
