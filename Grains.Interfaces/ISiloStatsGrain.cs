namespace Grains.Interfaces;

/// <summary>
/// One silo's own figures for the operator dashboard, keyed by the silo's address
/// (<see cref="SiloAddress.ToParsableString"/>): placement activates it on that silo and nowhere else, so a
/// silo that is gone or frozen shows as such instead of being answered for by another.
/// </summary>
public interface ISiloStatsGrain : IGrainWithStringKey
{
    /// <summary>
    /// The silo's metric families, as <c>/metrics</c> on that silo would write them, serialized as UTF-8 JSON
    /// (<c>Metrics.MetricsJsonContext</c>, <c>MetricFamily[]</c>): the metrics library stays free of Orleans.
    /// </summary>
    ValueTask<byte[]> GetMetricFamiliesAsync();
}
