namespace PredictionCluster.ServiceDefaults.Security;

/// <summary>
/// Mutual TLS between silos, and between the API (an Orleans client) and the silos' gateways (section
/// <c>Orleans:Tls</c>). The files are PEM, as cert-manager writes them into a Secret (<c>tls.crt</c>,
/// <c>tls.key</c>, <c>ca.crt</c>): every process presents its own certificate and accepts only peers whose
/// certificate chains to the CA. Off by default (embedded mode has no peers).
/// </summary>
public sealed class ClusterTlsOptions
{
    public const string SectionName = "Orleans:Tls";

    /// <summary>Require TLS with a certificate from every peer, and present ours.</summary>
    public bool Enabled { get; set; }

    /// <summary>PEM certificate of this process (cert-manager's <c>tls.crt</c>); certificates after the first are its issuers.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>PEM private key of that certificate (<c>tls.key</c>).</summary>
    public string? KeyPath { get; set; }

    /// <summary>PEM certificate(s) of the authority every peer's certificate must chain to (<c>ca.crt</c>).</summary>
    public string? CaPath { get; set; }
}
