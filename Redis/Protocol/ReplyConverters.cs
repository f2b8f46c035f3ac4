using System.Text;

namespace Redis.Protocol;

/// <summary>
/// Turn a (non-error) reply into the result type a command promises. Cached delegates, so choosing one
/// allocates nothing; a reply of an unexpected shape throws <see cref="RedisException"/> for that command only.
/// </summary>
internal static class ReplyConverters
{
    /// <summary>A status reply such as +OK or +PONG.</summary>
    public static readonly Func<RespValue, bool> Status = static reply =>
        reply.Type == RespType.SimpleString ? true : throw Unexpected(reply, "a status");

    public static readonly Func<RespValue, long> Integer = static reply =>
        reply.Type == RespType.Integer ? reply.Integer : throw Unexpected(reply, "an integer");

    /// <summary>An integer used as a flag: 1 true, 0 false (PEXPIRE).</summary>
    public static readonly Func<RespValue, bool> Flag = static reply =>
        reply.Type == RespType.Integer ? reply.Integer != 0 : throw Unexpected(reply, "an integer");

    public static readonly Func<RespValue, byte[]?> NullableBytes = static reply =>
        reply.Type == RespType.BulkString ? reply.Bytes : throw Unexpected(reply, "a bulk string");

    /// <summary>MGET: one bulk string or null per key.</summary>
    public static readonly Func<RespValue, byte[]?[]> NullableBytesArray = static reply =>
    {
        var items = reply.Type == RespType.Array && reply.Items is { } array ? array : throw Unexpected(reply, "an array");
        var result = new byte[]?[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            result[i] = items[i].Type == RespType.BulkString ? items[i].Bytes : throw Unexpected(items[i], "a bulk string element");
        }
        return result;
    };

    /// <summary>HGETALL: field, value, field, value, ...</summary>
    public static readonly Func<RespValue, Dictionary<string, byte[]>> HashEntries = static reply =>
    {
        var items = reply.Type == RespType.Array && reply.Items is { } array && array.Length % 2 == 0 ? array : throw Unexpected(reply, "an array of field/value pairs");
        var result = new Dictionary<string, byte[]>(items.Length / 2, StringComparer.Ordinal);
        for (int i = 0; i < items.Length; i += 2)
        {
            var field = items[i].Bytes ?? throw Unexpected(items[i], "a field name");
            result[Encoding.UTF8.GetString(field)] = items[i + 1].Bytes ?? throw Unexpected(items[i + 1], "a field value");
        }
        return result;
    };

    private static RedisException Unexpected(RespValue reply, string expected) =>
        new($"Unexpected reply {reply} where {expected} was expected.");
}
