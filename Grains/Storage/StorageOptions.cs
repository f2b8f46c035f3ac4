using Grains.Hosting;
using Microsoft.Extensions.Configuration;

namespace Grains.Storage;

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
