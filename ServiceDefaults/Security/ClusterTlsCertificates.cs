using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Orleans.Connections.Security;

namespace PredictionCluster.ServiceDefaults.Security;

/// <summary>
/// The certificates of <see cref="ClusterTlsOptions"/>, read once at startup, and the rule for peers: a certificate
/// is accepted when it chains to the configured CA alone (the machine's trust store plays no part), is within its
/// validity dates, and was presented at all. Names are not checked: silos and clients reach each other by pod IP,
/// which no certificate names; belonging to the cluster means holding a key the cluster's CA signed.
/// </summary>
public sealed class ClusterTlsCertificates
{
    private readonly X509Certificate2Collection _authorities;
    private readonly X509Certificate2Collection _intermediates;

    private ClusterTlsCertificates(X509Certificate2 local, X509Certificate2Collection authorities, X509Certificate2Collection intermediates)
    {
        Local = local;
        _authorities = authorities;
        _intermediates = intermediates;
    }

    /// <summary>This process's certificate, with its private key.</summary>
    public X509Certificate2 Local { get; }

    /// <summary>
    /// The certificates when <c>Orleans:Tls:Enabled</c> is true, else null. A missing setting or an unreadable file
    /// stops startup with an <see cref="OptionsValidationException"/> naming the setting.
    /// </summary>
    public static ClusterTlsCertificates? LoadIfEnabled(IConfiguration configuration)
    {
        var options = configuration.GetSection(ClusterTlsOptions.SectionName).Get<ClusterTlsOptions>() ?? new ClusterTlsOptions();
        return options.Enabled ? Load(options) : null;
    }

    public static ClusterTlsCertificates Load(ClusterTlsOptions options)
    {
        string certificatePath = Required(options.CertificatePath, nameof(options.CertificatePath));
        string keyPath = Required(options.KeyPath, nameof(options.KeyPath));
        string caPath = Required(options.CaPath, nameof(options.CaPath));

        var local = Read(nameof(options.CertificatePath), () => X509Certificate2.CreateFromPemFile(certificatePath, keyPath));
        // tls.crt may carry the issuer chain after the leaf; peers' chains are built through it, since every
        // certificate of the cluster comes from the same issuer.
        var chain = Read(nameof(options.CertificatePath), () => PemCollection(certificatePath));
        var intermediates = new X509Certificate2Collection();
        intermediates.AddRange(chain.Skip(1).ToArray());
        var authorities = Read(nameof(options.CaPath), () => PemCollection(caPath));
        if (authorities.Count == 0)
        {
            throw Invalid($"{nameof(options.CaPath)}: {caPath} holds no PEM certificate.");
        }
        if (!local.HasPrivateKey)
        {
            throw Invalid($"{nameof(options.KeyPath)}: {keyPath} holds no private key for {certificatePath}.");
        }
        return new ClusterTlsCertificates(local, authorities, intermediates);
    }

    /// <summary>Whether <paramref name="peer"/> chains to the configured CA (revocation is not checked: no CRL is reachable in a cluster).</summary>
    public bool IsTrusted(X509Certificate2 peer)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        chain.ChainPolicy.ExtraStore.AddRange(_intermediates);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(peer);
    }

    /// <summary>Both directions require a certificate (silos accept clients, and clients silos, only with one), judged by <see cref="IsTrusted"/>.</summary>
    public void Apply(TlsOptions options)
    {
        options.LocalCertificate = Local;
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.RemoteCertificateValidation = (certificate, _, _) => IsTrusted(certificate);
    }

    private static X509Certificate2Collection PemCollection(string path)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPemFile(path);
        return collection;
    }

    private static string Required(string? path, string key) =>
        string.IsNullOrWhiteSpace(path) ? throw Invalid($"{key} must name a PEM file when {ClusterTlsOptions.SectionName}:Enabled is true.") : path;

    private static T Read<T>(string key, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            throw Invalid($"{key}: {e.Message}");
        }
    }

    private static OptionsValidationException Invalid(string message) =>
        new(ClusterTlsOptions.SectionName, typeof(ClusterTlsOptions), [$"{ClusterTlsOptions.SectionName}:{message}"]);
}
