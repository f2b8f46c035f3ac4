namespace PredictionCluster.Inference.Batching;

/// <summary>Why the model could not score a text (see <see cref="InferenceFailedException"/>).</summary>
public enum InferenceFailure
{
    /// <summary>ONNX Runtime's run threw: every text of that batch fails.</summary>
    RunFailed = 0,

    /// <summary>The model produced an infinite or NaN logit for the text.</summary>
    NonFiniteScore = 1,
}
