using System.ComponentModel.DataAnnotations;

namespace PredictionCluster.Api.Security;

/// <summary>
/// A token bucket per client on <c>POST /predict</c> (section <c>RateLimit</c>): a client is its API key when it sent
/// a valid one, else its IP address, or its IPv6 network (see <see cref="ForwardedHeadersSettings"/> behind a proxy).
/// Off (0) by default.
/// </summary>
public sealed class ClientRateLimitOptions : IValidatableObject
{
    public const string SectionName = "RateLimit";

    /// <summary>Requests per second a client may keep up; 0 = no limit.</summary>
    [Range(0, 1_000_000)]
    public int PermitsPerSecond { get; set; }

    /// <summary>Requests a client may make at once after a quiet spell (the bucket's size); 0 = one second's worth.</summary>
    [Range(0, 10_000_000)]
    public int Burst { get; set; }

    /// <summary>
    /// IPv6 clients are told apart by this many leading bits: a site or a home is given a /64 (or more), so one
    /// client owns every address in it and per-address buckets would let it pick among 2^64.
    /// </summary>
    [Range(1, 128)]
    public int IPv6PrefixLength { get; set; } = 64;

    /// <summary>
    /// Buckets held at most (about 0.4 KB each, and the limiter visits every one ten times a second); once reached,
    /// addresses without a bucket share one until idle buckets are dropped. API keys always get their own.
    /// </summary>
    [Range(1, 10_000_000)]
    public int MaxClients { get; set; } = 10_000;

    public bool IsEnabled => PermitsPerSecond > 0;

    /// <summary>The bucket's size: <see cref="Burst"/>, or one second's worth.</summary>
    public int BucketSize => Burst > 0 ? Burst : PermitsPerSecond;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // A bucket smaller than a second's refill would quietly cap the rate at the bucket's size.
        if (Burst > 0 && Burst < PermitsPerSecond)
        {
            yield return new ValidationResult($"{SectionName}:Burst ({Burst}) must be 0 or at least {SectionName}:PermitsPerSecond ({PermitsPerSecond}).",
                [nameof(Burst)]);
        }
    }
}
