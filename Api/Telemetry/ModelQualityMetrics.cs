using PredictionCluster.Inference.Model;
using System.Diagnostics.Metrics;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Api.Drift;
using PredictionCluster.Inference.Drift;

namespace PredictionCluster.Api.Telemetry;

/// <summary>
/// What the model answers, as opposed to how fast: the predicted label of every answered text (a cached text counts
/// as often as it is asked, so the label mix is the traffic's), the same for inferred texts only (what the model
/// computed), and a histogram of the top score (how sure it is), each labelled by model id. Counted in the API,
/// where every answer is seen whatever tier gave it, once per text of a request that was answered (a refused or
/// failed request answers none). The same texts feed the drift windows (<see cref="DriftMonitor"/>), whose population
/// stability indices against the model's reference are gauges of this meter, computed when read.
/// </summary>
public sealed class ModelQualityMetrics
{
    public const string MeterName = "PredictionCluster.ModelQuality";

    private readonly Counter<long> _predictions;
    private readonly Counter<long> _inferences;
    private readonly Histogram<double> _topScore;
    private readonly DriftMonitor _drift;

    public ModelQualityMetrics(IMeterFactory meterFactory, DriftMonitor drift)
    {
        _drift = drift;
        var meter = meterFactory.Create(MeterName);
        _predictions = meter.CreateCounter<long>("model.predictions", "{prediction}", "Answered texts by predicted label (every tier)");
        _inferences = meter.CreateCounter<long>("model.inferences", "{prediction}", "Inferred texts by predicted label (computed by the model, no cache)");
        _topScore = meter.CreateHistogram<double>("model.top_score", null, "The predicted label's score of every answered text", null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = ScoreBuckets.Bounds });
        // Only models with a reference, and only once their window holds Drift:MinimumSamples predictions: fewer would
        // show an index that is mostly chance.
        meter.CreateObservableGauge("model.drift.label_psi", () => Observe(static m => m.LabelPsi), null,
            "Population stability index of the recent predictions' label mix against the model's reference (0 = same; > 0.25 a significant shift)");
        meter.CreateObservableGauge("model.drift.score_psi", () => Observe(static m => m.ScorePsi), null,
            "Population stability index of the recent predictions' top-score histogram against the model's reference (0 = same; > 0.25 a significant shift)");
    }

    /// <summary>
    /// Counts one answered text (its scores in <paramref name="model"/>'s label order); <paramref name="inferred"/>
    /// when the model computed it for this request.
    /// </summary>
    public void Record(ModelDescriptor model, ReadOnlySpan<float> scores, bool inferred)
    {
        int top = TopLabel.IndexOf(scores);
        var modelId = new KeyValuePair<string, object?>("model_id", model.ModelId);
        var label = new KeyValuePair<string, object?>("label", model.Labels[top]);
        _predictions.Add(1, modelId, label);
        if (inferred)
        {
            _inferences.Add(1, modelId, label);
        }
        _topScore.Record(scores[top], modelId);
        _drift.Record(model, top, scores[top]);
    }

    private IEnumerable<Measurement<double>> Observe(Func<DriftMeasure, double> index)
    {
        foreach (var window in _drift.Windows)
        {
            var measure = window.Measure();
            if (measure.Samples >= _drift.MinimumSamples)
            {
                yield return new Measurement<double>(index(measure), new KeyValuePair<string, object?>("model_id", window.ModelId));
            }
        }
    }
}
