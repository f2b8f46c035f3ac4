namespace Redis;

/// <summary>
/// No usable connection: connecting or the handshake failed, the connection was lost with the command in
/// flight, or no connection is up right now (commands fail fast instead of waiting for a reconnect).
/// The message names the cause; <see cref="Exception.InnerException"/> holds the underlying error when there is one.
/// </summary>
public sealed class RedisConnectionException : RedisException
{
    public RedisConnectionException(string message)
        : base(message)
    {
    }

    public RedisConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
