namespace PredictionCluster.Api.Prediction;

/// <summary>One label of the model with its softmax score.</summary>
public sealed record LabelScore(string Label, float Score);
