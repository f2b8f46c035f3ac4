namespace Silo.Membership;

/// <summary>This silo's identity in the cluster (section <c>Silo</c>).</summary>
public sealed class SiloOptions
{
    public const string SectionName = "Silo";

    /// <summary>Unique, stable name; on Kubernetes the StatefulSet pod name. Defaults to the host name.</summary>
    public string Id { get; set; } = Environment.MachineName;

    /// <summary>
    /// The internal endpoint's URL as other processes reach it. Defaults to the <c>Kestrel:Endpoints:Internal</c>
    /// URL, with a wildcard host (0.0.0.0, [::], *, +) replaced by this machine's host name.
    /// </summary>
    public string? AdvertisedUrl { get; set; }
}
