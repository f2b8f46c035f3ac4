namespace Redis;

/// <summary>No reply within <see cref="RedisOptions.CommandTimeout"/>; the connection it was sent on has been closed.</summary>
public sealed class RedisTimeoutException : RedisException
{
    public RedisTimeoutException(string message)
        : base(message)
    {
    }
}
