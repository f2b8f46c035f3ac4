using System.Diagnostics.Metrics;
using PredictionCluster.Grains.Interfaces;

namespace PredictionCluster.Api.Telemetry;

/// <summary>
/// What the model answers, as opposed to how fast: the predicted label of every answered text (a cached text counts
/// as often as it is asked, so the label mix is the traffic's), the same for inferred texts only (what the model
/// computed), and a histogram of the top score (how sure it is), each labelled by model id. Counted in the API,
/// where every answer is seen whatever tier gave it, once per text of a request that was answered (a refused or
/// failed request answers none).
/// </summary>
public sealed class ModelQualityMetrics
{
    public const string MeterName = "PredictionCluster.ModelQuality";

    /// <summary>Top-score buckets: from 1/k for k labels up; the upper end resolves a confident model's 0.9-0.99.</summary>
    private static readonly double[] ScoreBuckets = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99];

    private readonly Counter<long> _predictions;
    private readonly Counter<long> _inferences;
    private readonly Histogram<double> _topScore;

    public ModelQualityMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _predictions = meter.CreateCounter<long>("model.predictions", "{prediction}", "Answered texts by predicted label (every tier)");
        _inferences = meter.CreateCounter<long>("model.inferences", "{prediction}", "Inferred texts by predicted label (computed by the model, no cache)");
        _topScore = meter.CreateHistogram<double>("model.top_score", null, "The predicted label's score of every answered text", null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = ScoreBuckets });
    }

    /// <summary>
    /// Counts one answered text (its scores in <paramref name="model"/>'s label order); <paramref name="inferred"/>
    /// when the model computed it for this request.
    /// </summary>
    public void Record(ModelDescriptor model, ReadOnlySpan<float> scores, bool inferred)
    {
        int top = 0;
        for (int i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[top])
            {
                top = i;
            }
        }
        var modelId = new KeyValuePair<string, object?>("model_id", model.ModelId);
        var label = new KeyValuePair<string, object?>("label", model.Labels[top]);
        _predictions.Add(1, modelId, label);
        if (inferred)
        {
            _inferences.Add(1, modelId, label);
        }
        _topScore.Record(scores[top], modelId);
    }
}
