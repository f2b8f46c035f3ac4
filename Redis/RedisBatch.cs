using Redis.Connections;
using Redis.Protocol;

namespace Redis;

/// <summary>
/// Commands queued locally and sent together by <see cref="ExecuteAsync"/>: one write on one connection, so a
/// thousand commands cost one round trip instead of a thousand. Each queued command's task completes with its own
/// reply (or error); they do not complete before <see cref="ExecuteAsync"/> is called. Not atomic (no MULTI/EXEC):
/// other clients' commands may run between them. Not thread-safe; execute a batch once.
/// </summary>
public sealed class RedisBatch
{
    private readonly RedisClient _client;
    private readonly CommandBuffer _commands = new();
    private readonly List<IPendingReply> _replies = [];
    private bool _executed;

    internal RedisBatch(RedisClient client)
    {
        _client = client;
    }

    /// <summary>SET, with <c>PX</c> when <paramref name="expiry"/> is given (see <see cref="RedisClient.SetAsync"/>).</summary>
    public Task SetAsync(string key, ReadOnlyMemory<byte> value, TimeSpan? expiry = null)
    {
        ThrowIfExecuted();
        RedisCommands.Set(_commands, key, value.Span, expiry);
        return Queue(new PendingReply<bool>("SET", ReplyConverters.Status));
    }

    /// <summary>HSET: how many fields were new.</summary>
    public Task<long> HashSetAsync(string key, IReadOnlyList<KeyValuePair<string, byte[]>> fields)
    {
        ThrowIfExecuted();
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Count == 0)
        {
            // Redis rejects an HSET without fields; nothing would change anyway.
            return Task.FromResult(0L);
        }
        RedisCommands.HashSet(_commands, key, fields);
        return Queue(new PendingReply<long>("HSET", ReplyConverters.Integer));
    }

    /// <summary>PEXPIRE: true when the key exists.</summary>
    public Task<bool> ExpireAsync(string key, TimeSpan expiry)
    {
        ThrowIfExecuted();
        RedisCommands.PExpire(_commands, key, expiry);
        return Queue(new PendingReply<bool>("PEXPIRE", ReplyConverters.Flag));
    }

    /// <summary>DEL: how many keys existed.</summary>
    public Task<long> DeleteAsync(IReadOnlyList<string> keys)
    {
        ThrowIfExecuted();
        ArgumentNullException.ThrowIfNull(keys);
        if (keys.Count == 0)
        {
            return Task.FromResult(0L);
        }
        RedisCommands.Delete(_commands, keys);
        return Queue(new PendingReply<long>("DEL", ReplyConverters.Integer));
    }

    /// <summary>
    /// Sends every queued command in one write and completes when all replies have arrived. Throws the first
    /// failure in queue order (each command's own task carries its own outcome). Cancellation cancels the tasks of
    /// commands still waiting; their replies are read and dropped.
    /// </summary>
    /// <exception cref="InvalidOperationException">The batch was already executed.</exception>
    public Task ExecuteAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfExecuted();
        _executed = true;
        if (_replies.Count == 0)
        {
            _commands.Dispose();
            return Task.CompletedTask;
        }
        var replies = _replies.ToArray();
        _replies.Clear();
        var tasks = new Task[replies.Length];
        for (int i = 0; i < replies.Length; i++)
        {
            tasks[i] = replies[i].Task;
        }

        var registration = cancellationToken.UnsafeRegister(static (state, token) =>
        {
            foreach (var reply in (IPendingReply[])state!)
            {
                reply.Cancel(token);
            }
        }, replies);
        try
        {
            if (!cancellationToken.IsCancellationRequested)
            {
                _client.Send(_commands.Written, replies);
            }
        }
        catch (Exception exception)
        {
            // E.g. the client was disposed: no task may be left waiting for a reply that will never come.
            foreach (var reply in replies)
            {
                reply.Fail(exception);
            }
            registration.Unregister();
            throw;
        }
        finally
        {
            _commands.Dispose();
        }
        return WhenAllAsync(tasks, registration);
    }

    private static async Task WhenAllAsync(Task[] tasks, CancellationTokenRegistration registration)
    {
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        finally
        {
            registration.Unregister();
        }
    }

    private Task<T> Queue<T>(PendingReply<T> reply)
    {
        _replies.Add(reply);
        return reply.Task;
    }

    private void ThrowIfExecuted()
    {
        if (_executed)
        {
            throw new InvalidOperationException("This batch was already executed; create a new one.");
        }
    }
}
