using System.Text.Json.Serialization;

namespace Metrics;

/// <summary>
/// A histogram at one moment: <see cref="Cumulative"/>[i] counts observations &lt;= <see cref="Bounds"/>[i]; its last
/// entry (one past the bounds) is the <c>+Inf</c> bucket, equal to <see cref="Count"/>.
/// </summary>
public sealed record HistogramSnapshot(double[] Bounds, long[] Cumulative, double Sum)
{
    [JsonIgnore]
    public long Count => Cumulative[^1];

    /// <summary>
    /// The <paramref name="q"/>-quantile (0..1) of the observations between <paramref name="earlier"/> and this
    /// snapshot (all of them when null), interpolated linearly inside its bucket as Prometheus' histogram_quantile
    /// does; null when nothing was observed. A quantile in the +Inf bucket reads as the highest bound.
    /// </summary>
    public double? Quantile(double q, HistogramSnapshot? earlier = null)
    {
        long total = Count - (earlier?.Count ?? 0);
        if (total <= 0)
        {
            return null;
        }
        double rank = q * total;
        long below = 0;
        for (int i = 0; i < Cumulative.Length; i++)
        {
            long upToBucket = Cumulative[i] - (earlier?.Cumulative[i] ?? 0);
            if (upToBucket >= rank && upToBucket > 0)
            {
                if (i == Bounds.Length)
                {
                    return Bounds[^1];
                }
                double lower = i == 0 ? 0 : Bounds[i - 1];
                double inBucket = upToBucket - below;
                return lower + (Bounds[i] - lower) * ((rank - below) / inBucket);
            }
            below = upToBucket;
        }
        return Bounds[^1];
    }
}
