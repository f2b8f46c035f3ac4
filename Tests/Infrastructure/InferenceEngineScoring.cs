using PredictionCluster.Inference;

namespace Tests.Infrastructure;

/// <summary>Scores as tests read them: the scores of an admitted text, null for a refusal.</summary>
public static class InferenceEngineScoring
{
    public static async Task<float[]?> ScoreAsync(this InferenceEngine engine, string text, CancellationToken cancellationToken) =>
        (await engine.InferAsync(text, cancellationToken)).Scores;
}
