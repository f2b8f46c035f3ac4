using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Redis.Connections;

/// <summary>
/// <see cref="RedisOptions.Connections"/> slots, each keeping one connection open. A command goes to the next open
/// connection in round-robin order; when none is open it fails at once with <see cref="RedisConnectionException"/>
/// (Redis is a cache tier: callers fall back rather than wait for a reconnect). The one exception is the first
/// connect after construction: commands issued before it has had its chance wait for it.
/// </summary>
internal sealed class ConnectionPool : IAsyncDisposable
{
    private readonly RedisEndpoint _endpoint;
    private readonly ConnectionSlot[] _slots;
    private readonly Task[] _slotLoops;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstAttempt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _firstAttemptsFailed;
    private int _next;
    private Exception? _lastFailure;
    private readonly RedisMetrics? _metrics;
    private int _disposed;

    public ConnectionPool(RedisOptions options, RedisEndpoint endpoint, ILogger logger, RedisMetrics? metrics = null)
    {
        _endpoint = endpoint;
        _metrics = metrics;
        _slots = new ConnectionSlot[options.Connections];
        _slotLoops = new Task[options.Connections];
        var stop = _stop.Token;
        // The loops outlive whatever created the client: they must not carry its execution context (an Activity,
        // AsyncLocal state) into every reconnect, timer and socket callback for the rest of the process.
        using (ExecutionContext.SuppressFlow())
        {
            for (int i = 0; i < _slots.Length; i++)
            {
                var slot = _slots[i] = new ConnectionSlot(i, endpoint, options, this, logger);
                // Off the constructing thread: name resolution may run synchronously for a while.
                _slotLoops[i] = Task.Run(() => slot.RunAsync(stop));
            }
        }
    }

    /// <summary>Socket writes across all connections, ever (tests: a batch is one write).</summary>
    public StrongBox<long> SocketWrites { get; } = new();

    public bool IsConnected
    {
        get
        {
            foreach (var slot in _slots)
            {
                if (slot.Current is { IsOpen: true })
                {
                    return true;
                }
            }
            return false;
        }
    }

    /// <summary>
    /// Hands encoded commands and their replies to one connection, or fails the replies with
    /// <see cref="RedisConnectionException"/> when none is open. Never blocks.
    /// </summary>
    public void Send(ReadOnlySpan<byte> commands, ReadOnlySpan<IPendingReply> replies)
    {
        if (_metrics is not null)
        {
            foreach (var reply in replies)
            {
                reply.Metrics = _metrics;
            }
        }
        var connection = NextOpenConnection();
        if (connection is not null)
        {
            connection.Send(commands, replies);
        }
        else if (!_firstAttempt.Task.IsCompleted)
        {
            _ = SendAfterFirstAttemptAsync(commands.ToArray(), replies.ToArray());
        }
        else
        {
            foreach (var reply in replies)
            {
                reply.Fail(NotConnected());
            }
        }
    }

    /// <summary>Remembers why the latest attempt failed or connection closed, to explain fail-fast errors.</summary>
    public void RecordFailure(Exception exception) => Volatile.Write(ref _lastFailure, exception);

    /// <summary>A slot's first attempt ended: waiting commands go once one connected or all failed.</summary>
    public void FirstAttemptEnded(bool connected)
    {
        if (connected || Interlocked.Increment(ref _firstAttemptsFailed) == _slots.Length)
        {
            _firstAttempt.TrySetResult();
        }
    }

    /// <summary>Stops reconnecting and closes every connection; their pending commands fail with <see cref="RedisConnectionException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stop.Cancel();
        await Task.WhenAll(_slotLoops).ConfigureAwait(false);
        _firstAttempt.TrySetResult();
        _stop.Dispose();
    }

    private RedisConnection? NextOpenConnection()
    {
        int count = _slots.Length;
        int first = (int)((uint)Interlocked.Increment(ref _next) % (uint)count);
        for (int i = 0; i < count; i++)
        {
            int index = first + i;
            var connection = _slots[index < count ? index : index - count].Current;
            if (connection is { IsOpen: true })
            {
                return connection;
            }
        }
        return null;
    }

    private async Task SendAfterFirstAttemptAsync(byte[] commands, IPendingReply[] replies)
    {
        // Bounded by the connect timeout plus the handshake's command timeouts; a caller's cancellation already reaches its reply.
        await _firstAttempt.Task.ConfigureAwait(false);
        Send(commands, replies);
    }

    private RedisConnectionException NotConnected()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return new RedisConnectionException("The Redis client was disposed.");
        }
        var cause = Volatile.Read(ref _lastFailure);
        return cause is null
            ? new RedisConnectionException($"No connection to Redis at {_endpoint} is open; the command was not sent.")
            : new RedisConnectionException($"No connection to Redis at {_endpoint} is open; the command was not sent. Last failure: {cause.Message}", cause);
    }
}
