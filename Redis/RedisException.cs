namespace Redis;

/// <summary>Base of every error the Redis client reports (argument and disposal errors aside).</summary>
public class RedisException : Exception
{
    public RedisException(string message)
        : base(message)
    {
    }

    public RedisException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
