namespace PredictionCluster.Grains.Hosting;

/// <summary>
/// Whether this silo's model is loaded and warmed up. Draining is not a state here: once the host stops,
/// <see cref="HealthEndpoints"/> answers not ready without asking the checks.
/// </summary>
public sealed class SiloReadiness
{
    private volatile string _state = "starting";

    public bool IsReady => _state == "ready";

    /// <summary>Human-readable state for the readiness probe.</summary>
    public string State => _state;

    public void MarkReady() => _state = "ready";
}
