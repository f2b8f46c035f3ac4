using System.ComponentModel.DataAnnotations;

namespace Grains.Hosting;

/// <summary>What every member of a cluster shares. Section <c>Cluster</c>.</summary>
public sealed class ClusterOptions
{
    public const string SectionName = "Cluster";

    /// <summary>
    /// The shared secret of internal calls: the API sends it in <c>X-Cluster-Key</c>, a silo answers only
    /// calls that carry it. Required in cluster mode: a cluster without a secret is a misconfiguration.
    /// </summary>
    /// <remarks>Visible ASCII only: it travels as an HTTP header value, where anything else is encoded differently by different stacks.</remarks>
    [Required(AllowEmptyStrings = false, ErrorMessage = "Cluster:Key must be set: the shared secret that authenticates internal API-to-silo calls.")]
    [RegularExpression(@"^[\x21-\x7E]+$", ErrorMessage = "Cluster:Key must be visible ASCII characters only (it is sent as an HTTP header value).")]
    public string Key { get; set; } = "";
}
