using System.Diagnostics.Metrics;
using Grains.Interfaces;

namespace Grains.Prediction;

/// <summary>Instruments of the prediction path: which tier answered (activation counts are Orleans' own metrics).</summary>
public sealed class PredictionMetrics
{
    public const string MeterName = "PredictionCluster.Prediction";

    private static readonly KeyValuePair<string, object?>[] TierTags =
    [
        new("tier", "memory"),
        new("tier", "storage"),
        new("tier", "inference"),
    ];

    private readonly Counter<long> _predictions;
    private readonly long[] _byTier = new long[3];

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

    public void Record(PredictionSource source)
    {
        Interlocked.Increment(ref _byTier[(int)source]);
        _predictions.Add(1, TierTags[(int)source]);
    }
}
