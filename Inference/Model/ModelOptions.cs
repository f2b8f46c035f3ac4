namespace PredictionCluster.Inference.Model;

/// <summary>Where the model lives and how its input is cut. Section <c>Model</c>.</summary>
public sealed class ModelOptions
{
    public const string SectionName = "Model";

    /// <summary>A directory in HF export layout: model.onnx, vocab.txt, config.json.</summary>
    public string Path { get; set; } = "models/default";

    /// <summary>
    /// Tokens per text including [CLS] and [SEP]; longer texts are truncated. 0 means the model's own
    /// limit (config.json <c>max_position_embeddings</c>, 512 for DistilBERT). Part of the model id.
    /// </summary>
    public int MaxTokens { get; set; }
}
