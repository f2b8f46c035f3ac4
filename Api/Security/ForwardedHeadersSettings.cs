using System.ComponentModel.DataAnnotations;
using System.Net;

namespace PredictionCluster.Api.Security;

/// <summary>
/// Which proxies' <c>X-Forwarded-For</c> is believed (section <c>ForwardedHeaders</c>). Behind an Ingress every request
/// comes from the controller's address, so per-IP rate limits would lump all clients together; listing the proxies'
/// networks makes the client's own address the remote address, which the rate limit partitions by. None listed (the
/// default): the header is ignored, so a client cannot pick its own address. The dashboard's loopback rule never reads
/// it: it reads the TCP peer, recorded before this middleware runs.
/// </summary>
public sealed class ForwardedHeadersSettings : IValidatableObject
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>CIDR networks of trusted proxies, e.g. "10.0.0.0/8" (a single proxy: "10.1.2.3/32").</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool IsEnabled => KnownNetworks.Count > 0;

    public IEnumerable<IPNetwork> Networks => KnownNetworks.Select(n => IPNetwork.Parse(n));

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (string network in KnownNetworks.Where(n => !IPNetwork.TryParse(n, out _)))
        {
            yield return new ValidationResult($"{SectionName}:KnownNetworks: '{network}' is not a CIDR network such as 10.0.0.0/8.", [nameof(KnownNetworks)]);
        }
    }
}
