using StackExchange.Redis;

namespace Grains.Hosting;

/// <summary>
/// The Redis that holds the member table and grain storage (section <c>Redis</c>), turned into StackExchange.Redis
/// settings that fail fast: with Redis away a command fails at once instead of queueing, so storage falls back
/// to inference without holding a grain's turn.
/// </summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary><c>host:port</c>.</summary>
    public string Endpoint { get; set; } = "127.0.0.1:6379";

    public string? User { get; set; }

    public string? Password { get; set; }

    public int Database { get; set; }

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public ConfigurationOptions ToConfigurationOptions()
    {
        var options = ConfigurationOptions.Parse(Endpoint);
        options.User = string.IsNullOrEmpty(User) ? null : User;
        options.Password = string.IsNullOrEmpty(Password) ? null : Password;
        options.DefaultDatabase = Database;
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = (int)ConnectTimeout.TotalMilliseconds;
        options.AsyncTimeout = (int)CommandTimeout.TotalMilliseconds;
        options.SyncTimeout = (int)CommandTimeout.TotalMilliseconds;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ReconnectRetryPolicy = new LinearRetry(500);
        return options;
    }
}
