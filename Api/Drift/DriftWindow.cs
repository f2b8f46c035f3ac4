using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Inference.Drift;

namespace PredictionCluster.Api.Drift;

/// <summary>
/// The last <c>size</c> predictions of one model, as (top label, top-score bucket) codes in a ring of ints: recording
/// is an interlocked increment and an int store, with no lock and no allocation, so it costs the request path next
/// to nothing; counting (a pass over the ring) happens only when the figures are read. Under concurrent writers a
/// read may see a slot just before or after it is overwritten: the window is a sample, one prediction either way
/// changes nothing.
/// </summary>
public sealed class DriftWindow
{
    // 0 marks a slot never written; a prediction is stored as 1 + label * buckets + bucket.
    private readonly int[] _slots;
    private readonly int _labels;
    private readonly int _buckets;
    private readonly double[] _bounds;
    private readonly long[] _expectedLabels;
    private readonly long[] _expectedScores;
    private long _recorded;

    public DriftWindow(string modelId, int labelCount, ModelReference reference, int size)
    {
        ModelId = modelId;
        Reference = reference;
        _labels = labelCount;
        _buckets = reference.ScoreBounds.Count + 1;
        // A reference of another shape than the model (a silo of a mismatched build) is not compared: no figures rather than wrong ones.
        IsUsable = reference.LabelCounts.Count == labelCount && reference.ScoreCounts.Count == _buckets;
        _slots = IsUsable ? new int[size] : [];
        _bounds = reference.ScoreBounds.ToArray();
        _expectedLabels = reference.LabelCounts.ToArray();
        _expectedScores = reference.ScoreCounts.ToArray();
    }

    public string ModelId { get; }

    public ModelReference Reference { get; }

    /// <summary>False when the reference does not fit the model's labels or its own bounds; such a window records nothing.</summary>
    public bool IsUsable { get; }

    /// <summary>Whether the label index was over the threshold at the last check (written by <see cref="DriftWatch"/> only).</summary>
    internal bool LabelOver { get; set; }

    /// <summary>Whether the score index was over the threshold at the last check (written by <see cref="DriftWatch"/> only).</summary>
    internal bool ScoreOver { get; set; }

    /// <summary>Records one answered text: its top label's index and its top score.</summary>
    public void Record(int label, double score)
    {
        if (!IsUsable || (uint)label >= (uint)_labels)
        {
            return;
        }
        int code = 1 + label * _buckets + ScoreBuckets.Of(_bounds, score);
        long slot = Interlocked.Increment(ref _recorded) - 1;
        Volatile.Write(ref _slots[(int)(slot % _slots.Length)], code);
    }

    /// <summary>Counts the window and compares it with the reference.</summary>
    public DriftMeasure Measure()
    {
        if (!IsUsable)
        {
            return default;
        }
        var labels = new long[_labels];
        var scores = new long[_buckets];
        int samples = 0;
        foreach (int code in _slots)
        {
            if (code == 0)
            {
                continue;
            }
            samples++;
            labels[(code - 1) / _buckets]++;
            scores[(code - 1) % _buckets]++;
        }
        return new DriftMeasure(samples, PopulationStability.Index(_expectedLabels, labels), PopulationStability.Index(_expectedScores, scores));
    }
}
