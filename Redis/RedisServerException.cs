namespace Redis;

/// <summary>
/// Redis answered with an error reply (ERR, WRONGTYPE, NOAUTH, WRONGPASS, ...); the message is the server's text.
/// The connection is unaffected.
/// </summary>
public sealed class RedisServerException : RedisException
{
    public RedisServerException(string message)
        : base(message)
    {
    }
}
