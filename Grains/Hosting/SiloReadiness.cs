namespace Grains.Hosting;

/// <summary>Whether this silo takes work: the model is loaded and warmed up, and it is not draining.</summary>
public sealed class SiloReadiness
{
    private volatile string _state = "starting";

    public bool IsReady => _state == "ready";

    /// <summary>Human-readable state for the readiness probe.</summary>
    public string State => _state;

    public void MarkReady() => _state = "ready";

    public void MarkDraining() => _state = "draining";
}
