namespace PredictionCluster.Api.Prediction;

/// <summary>Body of a successful <c>POST /predict</c>: per input text, every label with its score, in the model's label order.</summary>
public sealed record PredictResponse(IReadOnlyList<IReadOnlyList<LabelScore>> Predictions);
