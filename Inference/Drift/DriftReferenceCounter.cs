using PredictionCluster.Inference.Model;

namespace PredictionCluster.Inference.Drift;

/// <summary>Counts a model's answers into a <see cref="DriftReference"/>: one <see cref="Add"/> per scored text.</summary>
public sealed class DriftReferenceCounter(ModelDirectory model, string source)
{
    private readonly long[] _labels = new long[model.Config.Labels.Count];
    private readonly long[] _scores = new long[ScoreBuckets.Bounds.Count + 1];

    /// <summary>Counts one text's scores (in label order): its top label and the bucket of its top score.</summary>
    public void Add(ReadOnlySpan<float> scores)
    {
        if (scores.Length != _labels.Length)
        {
            throw new ArgumentException($"{scores.Length} scores for {_labels.Length} labels.", nameof(scores));
        }
        int top = TopLabel.IndexOf(scores);
        _labels[top]++;
        _scores[ScoreBuckets.Of(scores[top])]++;
    }

    public DriftReference ToReference() => new(
        DriftReference.CurrentFormat, model.ModelId, source, model.Config.Labels, _labels.ToArray(), ScoreBuckets.Bounds, _scores.ToArray());
}
