namespace PredictionCluster.Api.Prediction;

/// <summary>Body of <c>POST /predict</c> (documents the contract; the handler parses the body itself to name bad fields).</summary>
/// <param name="Text">The texts to classify, one prediction each, in order.</param>
public sealed record PredictRequest(IReadOnlyList<string> Text);
