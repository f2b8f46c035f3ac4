using Microsoft.Extensions.Options;

namespace PredictionCluster.Grains.Storage;

/// <summary>Stops the start when the <c>Storage</c> section cannot be used as written, naming the key.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    private const string RedisSection = $"{StorageOptions.SectionName}:{nameof(StorageOptions.Redis)}";

    /// <summary>A read budget above this holds a grain's turn (and its callers) longer than any cache is worth.</summary>
    internal static readonly TimeSpan LongestReadTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Longer only keeps one of the few writers on a write that has long stopped mattering.</summary>
    internal static readonly TimeSpan LongestWriteTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Hundreds of MB of queued writes: beyond that the queue is a leak, not a buffer.</summary>
    internal const int LargestWriteQueue = 1_000_000;

    private static readonly TimeSpan ShortestTimeout = TimeSpan.FromMilliseconds(1);

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var problems = new List<string>();
        if (options.TimeToLive < TimeSpan.Zero)
        {
            problems.Add($"{StorageOptions.SectionName}:TimeToLive must be 0 (no expiry) or positive, not {options.TimeToLive}.");
        }
        if (options.ReadTimeout < ShortestTimeout || options.ReadTimeout > LongestReadTimeout)
        {
            problems.Add($"{StorageOptions.SectionName}:ReadTimeout must be from {ShortestTimeout.TotalMilliseconds:F0} ms to {LongestReadTimeout}, not {options.ReadTimeout}.");
        }
        if (options.WriteTimeout < ShortestTimeout || options.WriteTimeout > LongestWriteTimeout)
        {
            problems.Add($"{StorageOptions.SectionName}:WriteTimeout must be from {ShortestTimeout.TotalMilliseconds:F0} ms to {LongestWriteTimeout}, not {options.WriteTimeout}.");
        }
        if (options.WriteQueueCapacity is < 1 or > LargestWriteQueue)
        {
            problems.Add($"{StorageOptions.SectionName}:WriteQueueCapacity must be from 1 to {LargestWriteQueue}, not {options.WriteQueueCapacity}.");
        }
        if (options.HasOwnRedis)
        {
            problems.AddRange(options.Redis!.Problems(RedisSection));
        }
        else if (options.Redis is { } redis && (!string.IsNullOrEmpty(redis.User) || !string.IsNullOrEmpty(redis.Password)))
        {
            // Credentials for a Redis that is not named: storing into the shared one instead would hide the mistake.
            problems.Add($"{RedisSection}:Endpoint is empty but {RedisSection} has a user or password: name the predictions' Redis (host:port), or remove the section to share the top-level Redis.");
        }
        return problems.Count > 0 ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
