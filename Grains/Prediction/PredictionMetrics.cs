using System.Diagnostics.Metrics;
using PredictionCluster.Grains.Interfaces;

namespace PredictionCluster.Grains.Prediction;

/// <summary>Instruments of the prediction path: which tier answered (activation counts are Orleans' own metrics).</summary>
public sealed class PredictionMetrics
{
    public const string MeterName = "PredictionCluster.Prediction";

    private static readonly KeyValuePair<string, object?>[] TierTags =
    [
        new("tier", "memory"),
        new("tier", "storage"),
        new("tier", "inference"),
        new("tier", "near_cache"),
    ];

    private readonly Counter<long> _predictions;
    private readonly long[] _byTier = new long[4];

    public PredictionMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _predictions = meter.CreateCounter<long>("predictions", "{prediction}", "Predictions answered, by the tier that answered");
        // Every tier exists from the start at 0, so that a hit ratio reads from the first prediction on.
        foreach (var tier in TierTags)
        {
            _predictions.Add(0, tier);
        }
    }

    /// <summary>Predictions answered by <paramref name="source"/> since start (tests).</summary>
    public long Count(PredictionSource source) => Interlocked.Read(ref _byTier[(int)source]);

    public void Record(PredictionSource source, int count = 1)
    {
        Interlocked.Add(ref _byTier[(int)source], count);
        _predictions.Add(count, TierTags[(int)source]);
    }
}
