using Microsoft.Extensions.Configuration;

namespace PredictionCluster.ServiceDefaults.Security;

/// <summary>Mutual TLS (<c>Microsoft.Orleans.Connections.Security</c>) on silos and clients when <c>Orleans:Tls:Enabled</c> is true.</summary>
public static class ClusterTlsExtensions
{
    /// <summary>Silo-to-silo connections and the gateway: TLS both ways, a certificate from the CA required of every peer.</summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, IConfiguration configuration)
    {
        if (ClusterTlsCertificates.LoadIfEnabled(configuration) is { } certificates)
        {
            silo.UseTls(certificates.Local, certificates.Apply);
        }
        return silo;
    }

    /// <summary>The client's connections to gateways: it presents its certificate and accepts only silos the CA signed.</summary>
    public static IClientBuilder UseClusterTls(this IClientBuilder client, IConfiguration configuration)
    {
        if (ClusterTlsCertificates.LoadIfEnabled(configuration) is { } certificates)
        {
            client.UseTls(certificates.Local, certificates.Apply);
        }
        return client;
    }
}
