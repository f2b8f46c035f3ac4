using System.Diagnostics.Metrics;

namespace Api.Routing;

/// <summary>Instruments of cluster routing: calls to silos, and calls that moved to the next silo.</summary>
public sealed class RoutingMetrics
{
    public const string MeterName = "PredictionCluster.Routing";

    private readonly Counter<long> _calls;
    private readonly Counter<long> _failovers;
    private long _callCount, _failoverCount;

    public RoutingMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _calls = meter.CreateCounter<long>("routing.silo_calls", "{call}", "Calls from the API to silos");
        _failovers = meter.CreateCounter<long>("routing.failovers", "{call}", "Calls that failed in transport and moved their keys to the next silo");
    }

    /// <summary>Totals since start (tests, dashboards).</summary>
    public long CallCount => Interlocked.Read(ref _callCount);

    public long FailoverCount => Interlocked.Read(ref _failoverCount);

    public void RecordCall()
    {
        Interlocked.Increment(ref _callCount);
        _calls.Add(1);
    }

    public void RecordFailover()
    {
        Interlocked.Increment(ref _failoverCount);
        _failovers.Add(1);
    }
}
