namespace Redis.Protocol;

/// <summary>
/// The wire form of every command the client sends, in one place for <see cref="RedisClient"/> and
/// <see cref="RedisBatch"/>. Each method validates its arguments first and then appends one complete command,
/// so an invalid argument never leaves half a command in a buffer (a batch's, which would corrupt the rest).
/// </summary>
internal static class RedisCommands
{
    public static void Ping(CommandBuffer buffer)
    {
        buffer.WriteArrayHeader(1);
        buffer.WriteBulkString("PING"u8);
    }

    public static void Auth(CommandBuffer buffer, string? user, string password)
    {
        buffer.WriteArrayHeader(user is null ? 2 : 3);
        buffer.WriteBulkString("AUTH"u8);
        if (user is not null)
        {
            buffer.WriteBulkString(user);
        }
        buffer.WriteBulkString(password);
    }

    public static void Select(CommandBuffer buffer, int database)
    {
        buffer.WriteArrayHeader(2);
        buffer.WriteBulkString("SELECT"u8);
        buffer.WriteBulkString(database);
    }

    public static void Get(CommandBuffer buffer, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        buffer.WriteArrayHeader(2);
        buffer.WriteBulkString("GET"u8);
        buffer.WriteBulkString(key);
    }

    public static void MultiGet(CommandBuffer buffer, IReadOnlyList<string> keys)
    {
        ThrowIfAnyNull(keys);
        buffer.WriteArrayHeader(1 + keys.Count);
        buffer.WriteBulkString("MGET"u8);
        WriteAll(buffer, keys);
    }

    /// <summary><c>SET key value [PX milliseconds]</c>.</summary>
    public static void Set(CommandBuffer buffer, string key, ReadOnlySpan<byte> value, TimeSpan? expiry)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (expiry is { } positive)
        {
            // Redis rejects SET ... PX 0 ("invalid expire time"): better said here, before anything is sent.
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(positive, TimeSpan.Zero, nameof(expiry));
        }
        buffer.WriteArrayHeader(expiry is null ? 3 : 5);
        buffer.WriteBulkString("SET"u8);
        buffer.WriteBulkString(key);
        buffer.WriteBulkString(value);
        if (expiry is { } ttl)
        {
            buffer.WriteBulkString("PX"u8);
            buffer.WriteBulkString(ToMilliseconds(ttl));
        }
    }

    public static void Delete(CommandBuffer buffer, IReadOnlyList<string> keys)
    {
        ThrowIfAnyNull(keys);
        buffer.WriteArrayHeader(1 + keys.Count);
        buffer.WriteBulkString("DEL"u8);
        WriteAll(buffer, keys);
    }

    /// <summary><c>PEXPIRE key milliseconds</c>; as in Redis, an expiry of zero or less deletes the key.</summary>
    public static void PExpire(CommandBuffer buffer, string key, TimeSpan expiry)
    {
        ArgumentNullException.ThrowIfNull(key);
        buffer.WriteArrayHeader(3);
        buffer.WriteBulkString("PEXPIRE"u8);
        buffer.WriteBulkString(key);
        buffer.WriteBulkString(ToMilliseconds(expiry));
    }

    public static void HashSet(CommandBuffer buffer, string key, IReadOnlyList<KeyValuePair<string, byte[]>> fields)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(fields);
        for (int i = 0; i < fields.Count; i++)
        {
            if (fields[i].Key is null || fields[i].Value is null)
            {
                throw new ArgumentException($"Field {i} has a null name or value.", nameof(fields));
            }
        }
        buffer.WriteArrayHeader(2 + 2 * fields.Count);
        buffer.WriteBulkString("HSET"u8);
        buffer.WriteBulkString(key);
        for (int i = 0; i < fields.Count; i++)
        {
            var (field, value) = fields[i];
            buffer.WriteBulkString(field);
            buffer.WriteBulkString(value);
        }
    }

    public static void HashGetAll(CommandBuffer buffer, string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        buffer.WriteArrayHeader(2);
        buffer.WriteBulkString("HGETALL"u8);
        buffer.WriteBulkString(key);
    }

    public static void HashDelete(CommandBuffer buffer, string key, IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(key);
        ThrowIfAnyNull(fields);
        buffer.WriteArrayHeader(2 + fields.Count);
        buffer.WriteBulkString("HDEL"u8);
        buffer.WriteBulkString(key);
        WriteAll(buffer, fields);
    }

    /// <summary>Whole milliseconds, rounded up so that a sub-millisecond expiry does not become 0 (which means "now").</summary>
    public static long ToMilliseconds(TimeSpan expiry) => (long)Math.Ceiling(expiry.TotalMilliseconds);

    private static void ThrowIfAnyNull(IReadOnlyList<string> values, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(values))] string? name = null)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        for (int i = 0; i < values.Count; i++)
        {
            if (values[i] is null)
            {
                throw new ArgumentException($"Element {i} is null.", name);
            }
        }
    }

    private static void WriteAll(CommandBuffer buffer, IReadOnlyList<string> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            buffer.WriteBulkString(values[i]);
        }
    }
}
