using Microsoft.Extensions.Options;

namespace Grains.Storage;

/// <summary>Stops the start when the <c>Storage</c> section cannot be used as written, naming the key.</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    private const string RedisSection = $"{StorageOptions.SectionName}:{nameof(StorageOptions.Redis)}";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var problems = new List<string>();
        if (options.TimeToLive < TimeSpan.Zero)
        {
            problems.Add($"{StorageOptions.SectionName}:TimeToLive must be 0 (no expiry) or positive, not {options.TimeToLive}.");
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
