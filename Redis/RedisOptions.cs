using System.ComponentModel.DataAnnotations;

namespace Redis;

/// <summary>Where and how <see cref="RedisClient"/> connects. Section <c>Redis</c>.</summary>
public sealed class RedisOptions
{
    public const string SectionName = "Redis";

    /// <summary><c>host:port</c>; host is a DNS name, an IPv4 address or a bracketed IPv6 address. The port defaults to 6379.</summary>
    [Required]
    public string Endpoint { get; set; } = "127.0.0.1:6379";

    /// <summary>ACL user; null authenticates as the default user. Requires <see cref="Password"/>.</summary>
    public string? User { get; set; }

    /// <summary>Sent with AUTH on every (re)connect; null sends no AUTH.</summary>
    public string? Password { get; set; }

    /// <summary>Logical database, selected on every (re)connect when not 0.</summary>
    [Range(0, int.MaxValue)]
    public int Database { get; set; }

    /// <summary>How long one TCP connect (including name resolution) may take.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a command may wait for its reply; past it the command fails and its connection is replaced.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First delay before reconnecting; doubles (with jitter) on every failed attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ReconnectMinDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Longest delay between reconnect attempts.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Sockets in the pool; commands are spread over the connected ones.</summary>
    [Range(1, 64)]
    public int Connections { get; set; } = 2;

    /// <summary>A copy, so that later changes to a bound options object cannot reach a running client.</summary>
    internal RedisOptions Snapshot() => (RedisOptions)MemberwiseClone();

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Endpoint, nameof(Endpoint));
        ArgumentOutOfRangeException.ThrowIfNegative(Database, nameof(Database));
        ArgumentOutOfRangeException.ThrowIfLessThan(Connections, 1, nameof(Connections));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Connections, 64, nameof(Connections));
        ThrowIfNotPositive(ConnectTimeout, nameof(ConnectTimeout));
        ThrowIfNotPositive(CommandTimeout, nameof(CommandTimeout));
        ThrowIfNotPositive(ReconnectMinDelay, nameof(ReconnectMinDelay));
        ThrowIfNotPositive(ReconnectMaxDelay, nameof(ReconnectMaxDelay));
        if (ReconnectMaxDelay < ReconnectMinDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(ReconnectMaxDelay), ReconnectMaxDelay, $"Must not be below {nameof(ReconnectMinDelay)} ({ReconnectMinDelay}).");
        }
        if (User is not null && Password is null)
        {
            // AUTH with a user always carries a password; a "nopass" ACL user accepts any value.
            throw new ArgumentException($"{nameof(User)} requires a {nameof(Password)} (any value for a nopass ACL user).", nameof(Password));
        }
    }

    private static void ThrowIfNotPositive(TimeSpan value, string name)
    {
        // Also bounds what the timers accept (at most ~49 days).
        if (value <= TimeSpan.Zero || value > TimeSpan.FromHours(1))
        {
            throw new ArgumentOutOfRangeException(name, value, "Must be positive and at most one hour.");
        }
    }
}
