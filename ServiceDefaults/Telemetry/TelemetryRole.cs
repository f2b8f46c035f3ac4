namespace PredictionCluster.ServiceDefaults.Telemetry;

/// <summary>What a process is, as its telemetry says (<c>service.name</c>, <c>prediction.role</c>).</summary>
public enum TelemetryRole
{
    /// <summary>The API as an Orleans client of the silos (cluster mode).</summary>
    Api,

    /// <summary>A silo process.</summary>
    Silo,

    /// <summary>The API co-hosting its one silo (embedded mode).</summary>
    Embedded,
}
