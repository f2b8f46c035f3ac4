using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace PredictionCluster.Api.Security;

/// <summary>
/// Whose bucket a request spends in the per-client rate limit, and the buckets themselves, of which there are at most
/// about <see cref="ClientRateLimitOptions.MaxClients"/>: an API key's bucket when the request carries a valid key;
/// otherwise (no key, or a wrong one: guessing keys spends the guesser's bucket) its address's, an IPv6 address taken as
/// its network (<see cref="ClientRateLimitOptions.IPv6PrefixLength"/>, zone id dropped). Once the bound is reached,
/// addresses without a bucket share <see cref="Overflow"/>: a client with many addresses cannot make the limiter hold
/// a bucket for each.
/// </summary>
public sealed partial class ClientPartitions(IOptions<ClientRateLimitOptions> options, TimeProvider time, ILogger<ClientPartitions> logger)
{
    /// <summary>The bucket addresses share while the bound is reached.</summary>
    public const string Overflow = "ip:overflow";

    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private readonly ClientRateLimitOptions _limits = options.Value;

    /// <summary>Each partition's current bucket: set when the limiter creates one, removed when it disposes that one.</summary>
    private readonly ConcurrentDictionary<string, CountedBucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Buckets the limiter holds; a partition's old bucket may still be counted while its new one is.</summary>
    private int _count;

    private long _lastLogged = long.MinValue;

    /// <summary>Buckets the limiter holds now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The partition <paramref name="context"/>'s request counts against: "key:&lt;id&gt;", "ip:&lt;address or network&gt;" or <see cref="Overflow"/>.</summary>
    public string PartitionOf(HttpContext context)
    {
        var identity = context.User.Identities.FirstOrDefault(i => i.IsAuthenticated && i.AuthenticationType == ApiKeyAuthentication.SchemeName);
        if (identity?.FindFirst(ClaimTypes.NameIdentifier)?.Value is { } keyId)
        {
            return "key:" + keyId;
        }
        string partition = AddressPartition(context.Connection.RemoteIpAddress, _limits.IPv6PrefixLength);
        // Two new addresses checked at once may both pass at the bound: it is exceeded by the requests in flight at most.
        if (Volatile.Read(ref _count) < _limits.MaxClients || _buckets.ContainsKey(partition))
        {
            return partition;
        }
        LogBoundReached();
        return Overflow;
    }

    /// <summary>"ip:a.b.c.d" for IPv4 (also when a dual-stack socket reports ::ffff:a.b.c.d), "ip:&lt;network&gt;/&lt;length&gt;" for IPv6.</summary>
    public static string AddressPartition(IPAddress? address, int ipv6PrefixLength)
    {
        if (address is null)
        {
            return "ip:" + IPAddress.None;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return "ip:" + address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return "ip:" + address;
        }
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        int whole = ipv6PrefixLength / 8;
        if (whole < bytes.Length)
        {
            bytes[whole] &= (byte)(0xFF << (8 - ipv6PrefixLength % 8));
            bytes[(whole + 1)..].Clear();
        }
        // A new address without the zone id: a zone names one of this host's interfaces, not a client.
        return $"ip:{new IPAddress(bytes)}/{ipv6PrefixLength}";
    }

    /// <summary>A token bucket for <paramref name="partition"/>, counted until the limiter disposes it.</summary>
    public RateLimiter CreateBucket(string partition)
    {
        var bucket = new CountedBucket(new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _limits.BucketSize,
            TokensPerPeriod = _limits.PermitsPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0, // over the rate is refused at once, never held
            // The partitioned limiter's one timer replenishes every bucket (as RateLimitPartition.GetTokenBucketLimiter
            // arranges): a timer per bucket would cost more than the bucket.
            AutoReplenishment = false,
        }), bucket => Released(partition, bucket));
        _buckets[partition] = bucket;
        Interlocked.Increment(ref _count);
        return bucket;
    }

    private void Released(string partition, CountedBucket bucket)
    {
        _buckets.TryRemove(KeyValuePair.Create(partition, bucket));
        Interlocked.Decrement(ref _count);
    }

    private void LogBoundReached()
    {
        long now = time.GetTimestamp();
        long last = Interlocked.Read(ref _lastLogged);
        if ((last == long.MinValue || time.GetElapsedTime(last, now) >= LogInterval) && Interlocked.CompareExchange(ref _lastLogged, now, last) == last)
        {
            LogSharing(_limits.MaxClients);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "The rate limiter holds {MaxClients} client buckets (RateLimit:MaxClients): addresses without one share a single bucket until idle ones are dropped (logged at most once a minute)")]
    private partial void LogSharing(int maxClients);
}
