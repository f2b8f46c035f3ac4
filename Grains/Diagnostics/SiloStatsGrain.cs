using System.Text.Json;
using Grains.Interfaces;
using Grains.Placement;
using Metrics;

namespace Grains.Diagnostics;

/// <summary>
/// Hands this silo's metric families to the operator dashboard: the same aggregates <c>/metrics</c> writes, read
/// from the silo's <see cref="MetricsCollector"/>. Placed on the silo its key names (<see cref="SiloAddressPlacement"/>).
/// </summary>
[SiloAddressPlacement]
internal sealed class SiloStatsGrain(MetricsCollector collector) : Grain, ISiloStatsGrain
{
    public ValueTask<byte[]> GetMetricFamiliesAsync() =>
        ValueTask.FromResult(JsonSerializer.SerializeToUtf8Bytes([.. collector.Collect()], MetricsJsonContext.Default.MetricFamilyArray));
}
