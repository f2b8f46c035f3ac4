using System.Diagnostics.Metrics;

namespace Metrics;

/// <summary>
/// Which instruments are exported, so nothing is by accident: every instrument of the project's meters
/// (<c>PredictionCluster.*</c>, with all their tags), ASP.NET Core's request metrics and Orleans' activation counts,
/// reduced to the labels a dashboard groups by.
/// </summary>
public static class MetricsSelection
{
    public const string ProjectMeterPrefix = "PredictionCluster.";

    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";

    private const string OrleansMeter = "Microsoft.Orleans";

    private static readonly Dictionary<string, LabelMap> HostingInstruments = new(StringComparer.Ordinal)
    {
        ["http.server.request.duration"] = new(("http.route", "route"), ("http.request.method", "method"), ("http.response.status_code", "status")),
        ["http.server.active_requests"] = new(("http.request.method", "method")),
    };

    /// <summary>
    /// Of Orleans' own meter (89 instruments), only what the dashboard and Grafana show: activations on the silo by
    /// grain type (<c>grain_type</c>: <c>prediction</c>, <c>inference</c>, ...; a handful of values).
    /// </summary>
    private static readonly Dictionary<string, LabelMap> OrleansInstruments = new(StringComparer.Ordinal)
    {
        ["orleans-grains"] = new(("grain_type", "grain_type")),
    };

    /// <summary>True when <paramref name="instrument"/> is exported; <paramref name="labels"/> is null when all its tags are.</summary>
    public static bool Selects(Instrument instrument, out LabelMap? labels)
    {
        labels = null;
        if (instrument.Meter.Name.StartsWith(ProjectMeterPrefix, StringComparison.Ordinal))
        {
            return true;
        }
        return instrument.Meter.Name switch
        {
            HostingMeter => HostingInstruments.TryGetValue(instrument.Name, out labels),
            OrleansMeter => OrleansInstruments.TryGetValue(instrument.Name, out labels),
            _ => false,
        };
    }
}
