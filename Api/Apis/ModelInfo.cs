namespace PredictionCluster.Api.Apis;

/// <summary>The served model as <c>GET /info</c> shows it: its content id, labels in output order, and token limit.</summary>
public sealed record ModelInfo(string Id, IReadOnlyList<string> Labels, int MaxTokens);
