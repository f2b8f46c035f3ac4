using System.Buffers;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Redis.Protocol;

namespace Redis.Connections;

/// <summary>
/// One socket to Redis, multiplexed: any number of callers queue commands, which a flush sends back to back
/// (everything queued since the last send goes out in one write), while a reader loop parses replies and
/// completes the oldest pending command with each (Redis answers in order). A timer fails the connection when
/// its oldest command has waited longer than the command timeout. Once closed, for whatever reason, it stays
/// closed: every pending command fails and the owner (<see cref="ConnectionSlot"/>) opens a new one.
/// Thread-safe.
/// </summary>
internal sealed class RedisConnection : IThreadPoolWorkItem
{
    private const int ReceiveBufferSize = 16 * 1024;

    // Only an unfinished line is ever kept between reads; a longer one is not Redis talking.
    private const int MaxLineLength = 1024 * 1024;

    private readonly Socket _socket;
    private readonly RedisEndpoint _endpoint;
    private readonly TimeSpan _commandTimeout;
    private readonly StrongBox<long> _socketWrites;

    // Guards the pending queue, the outgoing buffer and the closed state: whatever is appended to the outgoing
    // buffer is enqueued in the same order under the same lock, so replies match commands.
    private readonly Lock _sync = new();
    private readonly Queue<IPendingReply> _pending = new();
    private readonly Timer _timeoutCheck;
    private readonly TaskCompletionSource<Exception> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _buffersReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readLoop;
    private CommandBuffer _outgoing = new();
    private CommandBuffer _sending = new();

    // True from the moment a flush is queued until it finds nothing left to send: at most one flush at a time,
    // and while one is queued or running the buffers are its to release.
    private bool _flushScheduled;
    private Exception? _closeReason;
    private bool _answered;

    private RedisConnection(Socket socket, RedisEndpoint endpoint, TimeSpan commandTimeout, StrongBox<long> socketWrites)
    {
        _socket = socket;
        _endpoint = endpoint;
        _commandTimeout = commandTimeout;
        _socketWrites = socketWrites;
        // A tenth of the timeout: a command fails at most ~10 % late, and an idle check costs next to nothing.
        var checkPeriod = TimeSpan.FromTicks(Math.Clamp(commandTimeout.Ticks / 10, TimeSpan.TicksPerMillisecond * 5, TimeSpan.TicksPerMillisecond * 100));
        _timeoutCheck = new Timer(static state => ((RedisConnection)state!).CheckTimeout(), this, checkPeriod, checkPeriod);
        _readLoop = ReadLoopAsync();
    }

    /// <summary>False once closed; a closed connection never opens again.</summary>
    public bool IsOpen => Volatile.Read(ref _closeReason) is null;

    /// <summary>Completes with the reason when the connection closes.</summary>
    public Task<Exception> Closed => _closed.Task;

    /// <summary>Completes when the reader has ended and every buffer has gone back to the pool.</summary>
    public Task Stopped => Task.WhenAll(_readLoop, _buffersReleased.Task);

    /// <summary>True once a reply has arrived: a working Redis, not merely something accepting TCP connections.</summary>
    public bool HasAnswered => Volatile.Read(ref _answered);

    /// <summary>
    /// Connects (within <see cref="RedisOptions.ConnectTimeout"/>) and runs the handshake: AUTH when a password is
    /// set, SELECT when the database is not 0. Only then is the connection returned, so no caller's command can
    /// run unauthenticated or in the wrong database.
    /// </summary>
    /// <exception cref="RedisConnectionException">Connecting or the handshake failed; the message names the cause.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired.</exception>
    public static async Task<RedisConnection> OpenAsync(RedisEndpoint endpoint, RedisOptions options, StrongBox<long> socketWrites, CancellationToken cancellationToken)
    {
        var socket = await ConnectSocketAsync(endpoint, options.ConnectTimeout, cancellationToken).ConfigureAwait(false);
        var connection = new RedisConnection(socket, endpoint, options.CommandTimeout, socketWrites);
        string step = "";
        try
        {
            if (options.Password is { } password)
            {
                step = "AUTH";
                var auth = CommandBuffer.ForCurrentThread();
                RedisCommands.Auth(auth, options.User, password);
                await connection.HandshakeStepAsync(step, auth, cancellationToken).ConfigureAwait(false);
            }
            if (options.Database != 0)
            {
                step = $"SELECT {options.Database}";
                var select = CommandBuffer.ForCurrentThread();
                RedisCommands.Select(select, options.Database);
                await connection.HandshakeStepAsync(step, select, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            var failure = exception is OperationCanceledException
                ? exception
                : new RedisConnectionException($"The handshake with Redis at {endpoint} failed: {step}: {exception.Message}", exception);
            connection.Close(failure);
            await connection.Stopped.ConfigureAwait(false);
            if (failure == exception)
            {
                throw;
            }
            throw failure;
        }
        return connection;
    }

    /// <summary>
    /// Queues already encoded <paramref name="commands"/> (one or more, copied) with their <paramref name="replies"/>
    /// in the same order. On a closed connection the replies fail at once with <see cref="RedisConnectionException"/>.
    /// Never blocks: a flush on the thread pool sends.
    /// </summary>
    public void Send(ReadOnlySpan<byte> commands, ReadOnlySpan<IPendingReply> replies)
    {
        Exception? closedBy;
        bool scheduleFlush = false;
        lock (_sync)
        {
            closedBy = _closeReason;
            if (closedBy is null)
            {
                _outgoing.Append(commands);
                long now = Stopwatch.GetTimestamp();
                foreach (var reply in replies)
                {
                    reply.QueuedAt = now;
                    _pending.Enqueue(reply);
                }
                scheduleFlush = !_flushScheduled;
                _flushScheduled = true;
            }
        }
        if (closedBy is not null)
        {
            foreach (var reply in replies)
            {
                reply.Fail(new RedisConnectionException($"The connection to Redis at {_endpoint} is closed: {closedBy.Message}", closedBy));
            }
        }
        else if (scheduleFlush)
        {
            // The global queue, not this thread's local one: a caller that keeps its thread busy (or blocks on the
            // result) must not hold back its own write until the thread is free or a worker happens to steal it.
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
    }

    /// <summary>Queues one encoded command; see the overload for several.</summary>
    public void Send(ReadOnlySpan<byte> command, IPendingReply reply) => Send(command, new ReadOnlySpan<IPendingReply>(ref reply));

    /// <summary>
    /// Closes the socket and fails every pending command: with <see cref="RedisTimeoutException"/> those that waited
    /// past the command timeout (when that is why it closes), else with <see cref="RedisConnectionException"/>
    /// naming <paramref name="reason"/>. Idempotent; the first reason wins.
    /// </summary>
    public void Close(Exception reason)
    {
        IPendingReply[] orphans;
        bool releaseBuffers;
        lock (_sync)
        {
            if (_closeReason is not null)
            {
                return;
            }
            Volatile.Write(ref _closeReason, reason);
            orphans = _pending.ToArray();
            _pending.Clear();
            // No flush queued or running, and none will start now: nobody else can touch the buffers.
            releaseBuffers = !_flushScheduled;
        }
        _timeoutCheck.Dispose();
        // Aborts a pending receive and send; the reader and any flush see the close reason and end.
        _socket.Dispose();
        if (releaseBuffers)
        {
            ReleaseBuffers();
        }
        bool timedOut = reason is RedisTimeoutException;
        foreach (var reply in orphans)
        {
            reply.Fail(timedOut && Stopwatch.GetElapsedTime(reply.QueuedAt) >= _commandTimeout
                ? new RedisTimeoutException($"Redis at {_endpoint} did not answer {reply.Command} within {_commandTimeout.TotalMilliseconds:0} ms; its connection was closed and is being replaced.")
                : new RedisConnectionException($"The connection to Redis at {_endpoint} closed before {reply.Command} was answered: {reason.Message}", reason));
        }
        _closed.TrySetResult(reason);
    }

    private static async Task<Socket> ConnectSocketAsync(RedisEndpoint endpoint, TimeSpan connectTimeout, CancellationToken cancellationToken)
    {
        // Dual mode (IPv6 socket that also reaches IPv4), so one socket type serves every address a name resolves to.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(connectTimeout);
            await socket.ConnectAsync(endpoint.EndPoint, timeout.Token).ConfigureAwait(false);
            // Connecting to a free local port can hit TCP simultaneous open and reach the socket itself.
            if (socket.LocalEndPoint is { } local && local.Equals(socket.RemoteEndPoint))
            {
                throw new RedisConnectionException($"Cannot connect to Redis at {endpoint}: nothing listens there (the connection reached itself).");
            }
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RedisConnectionException($"Connecting to Redis at {endpoint} timed out after {connectTimeout.TotalMilliseconds:0} ms.");
        }
        catch (SocketException exception)
        {
            socket.Dispose();
            throw new RedisConnectionException($"Cannot connect to Redis at {endpoint}: {exception.Message}", exception);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends <paramref name="encoded"/> (before yielding the thread) and waits for an OK; an error reply throws.</summary>
    private async Task HandshakeStepAsync(string command, CommandBuffer encoded, CancellationToken cancellationToken)
    {
        var reply = new PendingReply<bool>(command, ReplyConverters.Status);
        Send(encoded.Written, reply);
        await reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    void IThreadPoolWorkItem.Execute() => _ = FlushAsync();

    /// <summary>
    /// Sends whatever has been queued, repeatedly, until nothing is left; then clears the flag so that the next
    /// <see cref="Send"/> schedules a new flush. Buffers swap under the lock, so callers keep appending to one while
    /// the other is on the wire.
    /// </summary>
    private async Task FlushAsync()
    {
        while (true)
        {
            CommandBuffer batch;
            lock (_sync)
            {
                if (_closeReason is not null)
                {
                    // Closed while this flush was scheduled: the buffers are ours to release.
                    ReleaseBuffers();
                    return;
                }
                if (_outgoing.Length == 0)
                {
                    _flushScheduled = false;
                    return;
                }
                batch = _outgoing;
                _outgoing = _sending;
                _sending = batch;
            }
            // Counted before sending: once a reply to anything in it has arrived, the count includes this write.
            Interlocked.Increment(ref _socketWrites.Value);
            try
            {
                var bytes = batch.WrittenMemory;
                while (!bytes.IsEmpty)
                {
                    int sent = await _socket.SendAsync(bytes, SocketFlags.None).ConfigureAwait(false);
                    bytes = bytes[sent..];
                }
            }
            catch (Exception exception)
            {
                // Closing stops everything; the next round sees it and releases the buffers.
                Close(new RedisConnectionException($"Writing to Redis at {_endpoint} failed: {exception.Message}", exception));
                continue;
            }
            batch.Clear();
        }
    }

    private void ReleaseBuffers()
    {
        _outgoing.Dispose();
        _sending.Dispose();
        _buffersReleased.TrySetResult();
    }

    private async Task ReadLoopAsync()
    {
        var parser = new RespParser();
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ReceiveBufferSize);
        int length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    buffer = GrowForLongLine(buffer);
                }
                int received = await _socket.ReceiveAsync(buffer.AsMemory(length), SocketFlags.None).ConfigureAwait(false);
                if (received == 0)
                {
                    Close(new RedisConnectionException($"Redis at {_endpoint} closed the connection."));
                    return;
                }
                length += received;
                int start = 0;
                int consumed;
                while (parser.TryRead(buffer.AsSpan(start, length - start), out consumed, out var reply))
                {
                    start += consumed;
                    Dispatch(reply);
                }
                start += consumed;
                // What is left is at most an unfinished line: move it to the front, ahead of the next read.
                buffer.AsSpan(start, length - start).CopyTo(buffer);
                length -= start;
            }
        }
        catch (Exception exception)
        {
            Close(exception switch
            {
                RedisException => exception,
                InvalidDataException => new RedisConnectionException($"Redis at {_endpoint} sent something that is not a RESP2 reply: {exception.Message}", exception),
                _ => new RedisConnectionException($"Reading from Redis at {_endpoint} failed: {exception.Message}", exception),
            });
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] GrowForLongLine(byte[] buffer)
    {
        if (buffer.Length >= MaxLineLength)
        {
            throw new InvalidDataException($"RESP protocol violation: a line longer than {MaxLineLength} bytes.");
        }
        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.CopyTo(larger, 0);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    private void Dispatch(in RespValue reply)
    {
        IPendingReply? pending;
        lock (_sync)
        {
            _pending.TryDequeue(out pending);
        }
        if (pending is null)
        {
            if (!IsOpen)
            {
                // Closing: its command was already failed.
                return;
            }
            // E.g. "-ERR max number of clients reached", sent on accept before closing.
            throw new RedisConnectionException($"Redis at {_endpoint} sent a reply nobody asked for: {(reply.Type == RespType.Error ? reply.Text : reply.ToString())}");
        }
        Volatile.Write(ref _answered, true);
        pending.Complete(reply);
    }

    private void CheckTimeout()
    {
        lock (_sync)
        {
            if (_closeReason is not null || !_pending.TryPeek(out var oldest) || Stopwatch.GetElapsedTime(oldest.QueuedAt) < _commandTimeout)
            {
                return;
            }
        }
        // Replies come in order, so nothing behind the oldest command can be answered first: the connection is stuck.
        Close(new RedisTimeoutException($"Redis at {_endpoint} did not answer within {_commandTimeout.TotalMilliseconds:0} ms."));
    }
}
