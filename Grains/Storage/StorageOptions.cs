using PredictionCluster.ServiceDefaults.Cluster;
using PredictionCluster.Grains.Hosting;
using Microsoft.Extensions.Configuration;

namespace PredictionCluster.Grains.Storage;

/// <summary>
/// Grain storage of the predictions (section <c>Storage</c>). In Redis, Orleans keeps each as a hash (its etag and
/// the serialized scores) under <see cref="PredictionRedisKey"/>: a hash of service id and model id, then the text's
/// hash, so models never mix.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.None;

    /// <summary>
    /// How long Redis keeps a result after it was computed; zero keeps it until evicted. A prediction never goes
    /// stale (a pure function of model and text): the expiry only bounds memory where predictions share the member
    /// table's Redis (whose <c>volatile-lru</c> evicts only keys with one). A Redis of their own bounds it with
    /// <c>maxmemory</c> and <c>allkeys-lru</c> instead, and each expiry costs ~45 bytes an entry there.
    /// </summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// How long a new text's grain waits for its stored scores before it counts a miss and infers. Far below the Redis
    /// command timeout: a Redis on loopback answers in 0.07 ms on average, 1 ms at most (<c>redis-cli --latency</c> on
    /// the 2-core test machine), and a Redis that hangs (paused, sockets open, nothing answering) would otherwise hold
    /// every cache miss for the whole command timeout.
    /// </summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one background write may take before it is given up (the scores stay in memory only).</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Writes waiting for a writer; when full a write is dropped and counted, never waited for (the scores stay in the
    /// activation). Each holds a grain id and its scores, a few hundred bytes: the default bounds the queue to a few MB.
    /// </summary>
    public int WriteQueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// The predictions' own Redis (section <c>Storage:Redis</c>, shaped as the top-level <c>Redis</c>); null, or an
    /// empty <see cref="RedisOptions.Endpoint"/>: they share the top-level Redis with Orleans' member table.
    /// </summary>
    public RedisOptions? Redis { get; set; }

    /// <summary>The Redis the predictions are stored in: <see cref="Redis"/> when it names one, else <paramref name="shared"/>.</summary>
    public RedisOptions RedisOr(RedisOptions shared) => HasOwnRedis ? Redis! : shared;

    /// <summary>Whether the predictions have a Redis of their own.</summary>
    public bool HasOwnRedis => !string.IsNullOrWhiteSpace(Redis?.Endpoint);

    /// <summary>
    /// The section as bound, except that <c>Storage:Redis</c> without an <c>Endpoint</c> of its own names no Redis:
    /// the binder starts from <see cref="RedisOptions"/>' default endpoint, which would point a forgotten endpoint at
    /// 127.0.0.1:6379 instead of letting <see cref="StorageOptionsValidator"/> say so.
    /// </summary>
    public static StorageOptions From(IConfiguration configuration)
    {
        var options = new StorageOptions();
        Bind(configuration, options);
        return options;
    }

    /// <summary>Binds <see cref="SectionName"/> of <paramref name="configuration"/> into <paramref name="options"/>, as <see cref="From"/>.</summary>
    public static void Bind(IConfiguration configuration, StorageOptions options)
    {
        var section = configuration.GetSection(SectionName);
        section.Bind(options);
        if (options.Redis is not null && string.IsNullOrWhiteSpace(section[$"{nameof(Redis)}:{nameof(RedisOptions.Endpoint)}"]))
        {
            options.Redis.Endpoint = "";
        }
    }
}
