using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Tests.Security;

/// <summary>
/// A certificate authority made in the test (CertificateRequest, ECDSA P-256) that issues leaf certificates and writes
/// them as cert-manager does into a Secret: <c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c> (PEM), one directory per leaf.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "tls-test-" + Guid.NewGuid().ToString("N")[..8]);

    public TestCertificateAuthority(string name)
    {
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-60), DateTimeOffset.UtcNow.AddYears(1));
        Directory.CreateDirectory(_directory);
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>
    /// Issues a leaf for <paramref name="name"/> usable both as TLS server and client (a silo is both), valid from
    /// <paramref name="notBefore"/> (default: yesterday) for a month; returns the directory holding its three files.
    /// </summary>
    public IssuedCertificate Issue(string name, DateTimeOffset? notBefore = null)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], critical: false));
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddDnsName(name);
        request.CertificateExtensions.Add(sans.Build());
        var start = notBefore ?? DateTimeOffset.UtcNow.AddDays(-1);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var leaf = request.Create(Certificate, start, start.AddDays(30), serial);

        string directory = Path.Combine(_directory, name);
        Directory.CreateDirectory(directory);
        var issued = new IssuedCertificate(Path.Combine(directory, "tls.crt"), Path.Combine(directory, "tls.key"), Path.Combine(directory, "ca.crt"));
        File.WriteAllText(issued.CertificatePath, leaf.ExportCertificatePem());
        File.WriteAllText(issued.KeyPath, key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(issued.CaPath, Certificate.ExportCertificatePem());
        return issued;
    }

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}

/// <summary>The three PEM files of one issued certificate.</summary>
public sealed record IssuedCertificate(string CertificatePath, string KeyPath, string CaPath)
{
    /// <summary>The <c>Orleans:Tls</c> settings that use these files; <paramref name="caPath"/> overrides the CA the peer must chain to.</summary>
    public Dictionary<string, string?> Settings(string? caPath = null) => new()
    {
        ["Orleans:Tls:Enabled"] = "true",
        ["Orleans:Tls:CertificatePath"] = CertificatePath,
        ["Orleans:Tls:KeyPath"] = KeyPath,
        ["Orleans:Tls:CaPath"] = caPath ?? CaPath,
    };
}
