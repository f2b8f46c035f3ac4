using System.Security.Cryptography.X509Certificates;
using PredictionCluster.ServiceDefaults.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Tests.Security;

/// <summary>Which peers <see cref="ClusterTlsCertificates"/> accepts, and how bad settings stop startup.</summary>
public sealed class ClusterTlsCertificatesTests
{
    [Fact]
    public void IsTrusted_AcceptsALeafOfTheCa_AndRefusesALeafOfAnotherCa_AndTheOtherCaItself()
    {
        using var authority = new TestCertificateAuthority("cluster-ca");
        using var stranger = new TestCertificateAuthority("other-ca");
        var certificates = Load(authority.Issue("silo-0"));

        using var peer = Leaf(authority.Issue("silo-1").CertificatePath);
        using var intruder = Leaf(stranger.Issue("silo-1").CertificatePath);
        Assert.True(certificates.IsTrusted(peer));
        Assert.False(certificates.IsTrusted(intruder));
        Assert.False(certificates.IsTrusted(stranger.Certificate));
    }

    [Fact]
    public void IsTrusted_RefusesALeafOfTheCaOutsideItsValidityDates()
    {
        using var authority = new TestCertificateAuthority("cluster-ca");
        var certificates = Load(authority.Issue("silo-0"));
        using var notYetValid = Leaf(authority.Issue("early", notBefore: DateTimeOffset.UtcNow.AddDays(2)).CertificatePath);
        using var expired = Leaf(authority.Issue("late", notBefore: DateTimeOffset.UtcNow.AddDays(-40)).CertificatePath);
        Assert.False(certificates.IsTrusted(notYetValid));
        Assert.False(certificates.IsTrusted(expired));
    }

    [Fact]
    public void LoadIfEnabled_IsNullUnlessEnabled_AndThenHoldsTheCertificateWithItsKey()
    {
        using var authority = new TestCertificateAuthority("cluster-ca");
        var issued = authority.Issue("api");
        var settings = issued.Settings();
        settings["Orleans:Tls:Enabled"] = "false";
        Assert.Null(ClusterTlsCertificates.LoadIfEnabled(Configuration(settings)));

        var loaded = ClusterTlsCertificates.LoadIfEnabled(Configuration(issued.Settings()));
        Assert.NotNull(loaded);
        Assert.Equal("CN=api", loaded.Local.Subject);
        Assert.True(loaded.Local.HasPrivateKey);
    }

    [Theory]
    [InlineData("CertificatePath")]
    [InlineData("KeyPath")]
    [InlineData("CaPath")]
    public void Load_WithASettingMissing_FailsNamingIt(string key)
    {
        using var authority = new TestCertificateAuthority("cluster-ca");
        var settings = authority.Issue("api").Settings();
        settings[$"Orleans:Tls:{key}"] = null;
        var error = Assert.Throws<OptionsValidationException>(() => ClusterTlsCertificates.LoadIfEnabled(Configuration(settings)));
        Assert.Contains($"Orleans:Tls:{key}", error.Message);
    }

    [Fact]
    public void Load_WithAKeyOfAnotherCertificateOrAMissingFile_FailsNamingTheSetting()
    {
        using var authority = new TestCertificateAuthority("cluster-ca");
        var issued = authority.Issue("api");
        var mismatched = issued.Settings();
        mismatched["Orleans:Tls:KeyPath"] = authority.Issue("other").KeyPath;
        Assert.Contains("Orleans:Tls:CertificatePath", Assert.Throws<OptionsValidationException>(() => ClusterTlsCertificates.LoadIfEnabled(Configuration(mismatched))).Message);

        var missing = issued.Settings();
        missing["Orleans:Tls:CaPath"] = issued.CaPath + ".missing";
        Assert.Contains("Orleans:Tls:CaPath", Assert.Throws<OptionsValidationException>(() => ClusterTlsCertificates.LoadIfEnabled(Configuration(missing))).Message);
    }

    private static X509Certificate2 Leaf(string pemPath) => X509Certificate2.CreateFromPem(File.ReadAllText(pemPath));

    private static ClusterTlsCertificates Load(IssuedCertificate issued) => ClusterTlsCertificates.LoadIfEnabled(Configuration(issued.Settings()))!;

    private static IConfiguration Configuration(Dictionary<string, string?> settings) => new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
