using System.Diagnostics.Metrics;

namespace Metrics;

/// <summary>
/// Which instruments are exported, so nothing is by accident: every instrument of the project's meters
/// (<c>PredictionCluster.*</c>, with all their tags) and ASP.NET Core's request metrics, reduced to the labels a
/// dashboard groups by.
/// </summary>
public static class MetricsSelection
{
    public const string ProjectMeterPrefix = "PredictionCluster.";

    private const string HostingMeter = "Microsoft.AspNetCore.Hosting";

    private static readonly Dictionary<string, LabelMap> HostingInstruments = new(StringComparer.Ordinal)
    {
        ["http.server.request.duration"] = new(("http.route", "route"), ("http.request.method", "method"), ("http.response.status_code", "status")),
        ["http.server.active_requests"] = new(("http.request.method", "method")),
    };

    /// <summary>True when <paramref name="instrument"/> is exported; <paramref name="labels"/> is null when all its tags are.</summary>
    public static bool Selects(Instrument instrument, out LabelMap? labels)
    {
        labels = null;
        if (instrument.Meter.Name.StartsWith(ProjectMeterPrefix, StringComparison.Ordinal))
        {
            return true;
        }
        return instrument.Meter.Name == HostingMeter && HostingInstruments.TryGetValue(instrument.Name, out labels);
    }
}
