using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Redis.Connections;
using Redis.Protocol;

namespace Redis;

/// <summary>
/// A Redis client over a small pool of multiplexed connections (RESP2). Thread-safe: any number of callers share
/// one instance; their commands are pipelined on the pool's sockets. Construction does not block: connections are
/// opened in the background and re-opened with backoff whenever they are lost. Commands issued before the first
/// connect attempt has ended wait for it; after that, while no connection is open, commands fail at once with
/// <see cref="RedisConnectionException"/> (they never wait for a reconnect); a command without a reply within
/// <see cref="RedisOptions.CommandTimeout"/> fails with <see cref="RedisTimeoutException"/>; an error reply fails it
/// with <see cref="RedisServerException"/>. Keys are UTF-8 strings, values are bytes.
/// </summary>
public sealed class RedisClient : IAsyncDisposable
{
    private readonly ConnectionPool _pool;
    private int _disposed;

    /// <param name="meterFactory">Where <see cref="RedisMetrics"/> are published; null publishes none.</param>
    /// <exception cref="ArgumentException">An invalid setting in <paramref name="options"/> (named in the message).</exception>
    public RedisClient(RedisOptions options, ILogger<RedisClient>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Snapshot();
        settings.Validate();
        _pool = new ConnectionPool(settings, RedisEndpoint.Parse(settings.Endpoint), (ILogger?)logger ?? NullLogger.Instance,
            meterFactory is null ? null : new RedisMetrics(meterFactory));
    }

    /// <summary>True while at least one connection is open.</summary>
    public bool IsConnected => _pool.IsConnected;

    /// <summary>Socket writes so far, all connections together (tests: a batch goes out in one write).</summary>
    internal long SocketWrites => Interlocked.Read(ref _pool.SocketWrites.Value);

    public Task PingAsync(CancellationToken cancellationToken = default)
    {
        var command = CommandBuffer.ForCurrentThread();
        RedisCommands.Ping(command);
        return SendAsync(command, new PendingReply<bool>("PING", ReplyConverters.Status), cancellationToken);
    }

    /// <summary>GET: the value, or null when the key does not exist.</summary>
    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var command = CommandBuffer.ForCurrentThread();
        RedisCommands.Get(command, key);
        return SendAsync(command, new PendingReply<byte[]?>("GET", ReplyConverters.NullableBytes), cancellationToken);
    }

    /// <summary>One MGET: a value or null per key, in the order of <paramref name="keys"/>.</summary>
    public Task<byte[]?[]> GetManyAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            // Redis rejects an MGET without keys; the answer is known anyway.
            ThrowIfDisposed();
            return Task.FromResult<byte[]?[]>([]);
        }
        var command = CommandBuffer.ForCurrentThread();
        RedisCommands.MultiGet(command, keys);
        return SendAsync(command, new PendingReply<byte[]?[]>("MGET", ReplyConverters.NullableBytesArray), cancellationToken);
    }

    /// <summary>SET, with <c>PX</c> when <paramref name="expiry"/> is given (rounded up to whole milliseconds; must be positive).</summary>
    public Task SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? expiry = null, CancellationToken cancellationToken = default)
    {
        var command = CommandBuffer.ForCurrentThread();
        RedisCommands.Set(command, key, value.Span, expiry);
        return SendAsync(command, new PendingReply<bool>("SET", ReplyConverters.Status), cancellationToken);
    }

    /// <summary>DEL: how many of <paramref name="keys"/> existed.</summary>
    public Task<long> DeleteAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            ThrowIfDisposed();
            return Task.FromResult(0L);
        }
        var command = CommandBuffer.ForCurrentThread();
        RedisCommands.Delete(command, keys);
        return SendAsync(command, new PendingReply<long>("DEL", ReplyConverters.Integer), cancellationToken);
    }

    /// <summary>PEXPIRE: true when the key exists and now expires after <paramref name="expiry"/> (zero or less deletes it, as in Redis).</summary>
    public Task<bool> ExpireAsync(string key, TimeSpan expiry, CancellationToken cancellationToken = default)
    {
        var command = CommandBuffer.ForCurrentThread();
        RedisCommands.PExpire(command, key, expiry);
        return SendAsync(command, new PendingReply<bool>("PEXPIRE", ReplyConverters.Flag), cancellationToken);
    }

    /// <summary>HSET: how many of <paramref name="fields"/> were new (existing ones are overwritten).</summary>
    public Task<long> HashSetAsync(string key, IReadOnlyList<KeyValuePair<string, byte[]>> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            ThrowIfDisposed();
            return Task.FromResult(0L);
        }
        var command = CommandBuffer.ForCurrentThread();
        RedisCommands.HashSet(command, key, fields);
        return SendAsync(command, new PendingReply<long>("HSET", ReplyConverters.Integer), cancellationToken);
    }

    /// <summary>HGETALL: every field and value; empty when the key does not exist.</summary>
    public Task<Dictionary<string, byte[]>> HashGetAllAsync(string key, CancellationToken cancellationToken = default)
    {
        var command = CommandBuffer.ForCurrentThread();
        RedisCommands.HashGetAll(command, key);
        return SendAsync(command, new PendingReply<Dictionary<string, byte[]>>("HGETALL", ReplyConverters.HashEntries), cancellationToken);
    }

    /// <summary>HDEL: how many of <paramref name="fields"/> existed.</summary>
    public Task<long> HashDeleteAsync(string key, IReadOnlyList<string> fields, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            ThrowIfDisposed();
            return Task.FromResult(0L);
        }
        var command = CommandBuffer.ForCurrentThread();
        RedisCommands.HashDelete(command, key, fields);
        return SendAsync(command, new PendingReply<long>("HDEL", ReplyConverters.Integer), cancellationToken);
    }

    /// <summary>A batch whose commands go out in one write on one connection when it is executed.</summary>
    public RedisBatch CreateBatch()
    {
        ThrowIfDisposed();
        return new RedisBatch(this);
    }

    /// <summary>
    /// Closes every connection and stops reconnecting. Commands still waiting for replies fail with
    /// <see cref="RedisConnectionException"/>; later calls throw <see cref="ObjectDisposedException"/>.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _disposed, 1);
        return _pool.DisposeAsync();
    }

    /// <summary>Hands a batch's encoded commands and replies to one connection (see <see cref="RedisBatch.ExecuteAsync"/>).</summary>
    internal void Send(ReadOnlySpan<byte> commands, ReadOnlySpan<IPendingReply> replies)
    {
        ThrowIfDisposed();
        _pool.Send(commands, replies);
    }

    private Task<T> SendAsync<T>(CommandBuffer command, PendingReply<T> reply, CancellationToken cancellationToken)
    {
        ThrowIfDisposed();
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }
        reply.CancelWhen(cancellationToken);
        IPendingReply pending = reply;
        _pool.Send(command.Written, new ReadOnlySpan<IPendingReply>(ref pending));
        return reply.Task;
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
