using StackExchange.Redis;

namespace PredictionCluster.ServiceDefaults.Cluster;

/// <summary>
/// A Redis (section <c>Redis</c>: the member table, and grain storage unless <c>Storage:Redis</c> names a Redis of its
/// own), turned into StackExchange.Redis settings that fail fast: with Redis away a command fails at once instead of
/// queueing, so storage falls back to inference without holding a grain's turn.
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

    /// <summary>What is wrong with these settings, each problem naming its key under <paramref name="section"/>; empty when usable.</summary>
    public IReadOnlyList<string> Problems(string section)
    {
        var problems = new List<string>();
        try
        {
            if (ConfigurationOptions.Parse(Endpoint).EndPoints.Count != 1)
            {
                problems.Add($"{section}:Endpoint must name one Redis as host:port, not '{Endpoint}'.");
            }
        }
        catch (ArgumentException e)
        {
            problems.Add($"{section}:Endpoint '{Endpoint}' is not host:port: {e.Message}");
        }
        if (Database < 0)
        {
            problems.Add($"{section}:Database must be 0 or more, not {Database}.");
        }
        if (ConnectTimeout <= TimeSpan.Zero || CommandTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{section}:ConnectTimeout and {section}:CommandTimeout must be positive.");
        }
        return problems;
    }

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
