using Microsoft.Extensions.Logging;

namespace Redis.Connections;

/// <summary>
/// One place in the pool: keeps a <see cref="RedisConnection"/> open for as long as the client lives. A background
/// loop connects, publishes the connection while it is up, and after it closes (or an attempt fails) waits a
/// <see cref="ReconnectBackoff"/> delay before the next attempt. Callers never wait for it: while the slot has no
/// connection, <see cref="Current"/> is null and the pool fails commands at once.
/// </summary>
internal sealed partial class ConnectionSlot(int index, RedisEndpoint endpoint, RedisOptions options, ConnectionPool pool, ILogger logger)
{
    private readonly ReconnectBackoff _backoff = new(options.ReconnectMinDelay, options.ReconnectMaxDelay);
    private RedisConnection? _current;

    /// <summary>The open connection, or null while connecting or waiting to reconnect.</summary>
    public RedisConnection? Current => Volatile.Read(ref _current);

    /// <summary>Runs until <paramref name="stop"/> fires; then closes the connection (failing its pending commands).</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        bool firstAttempt = true;
        bool everConnected = false;
        int failedAttempts = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                RedisConnection connection;
                try
                {
                    connection = await RedisConnection.OpenAsync(endpoint, options, pool.SocketWrites, stop).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stop.IsCancellationRequested)
                {
                    pool.RecordFailure(exception);
                    if (firstAttempt)
                    {
                        firstAttempt = false;
                        pool.FirstAttemptEnded(connected: false);
                    }
                    // Also after a rejected AUTH: a wrong password gets retried at a growing interval, never in a hot loop.
                    var retryDelay = _backoff.Next();
                    if (failedAttempts++ == 0)
                    {
                        LogConnectFailed(index, endpoint, (long)retryDelay.TotalMilliseconds, exception.Message);
                    }
                    else
                    {
                        LogConnectStillFailing(index, endpoint, failedAttempts, (long)retryDelay.TotalMilliseconds, exception.Message);
                    }
                    await Task.Delay(retryDelay, stop).ConfigureAwait(false);
                    continue;
                }

                Volatile.Write(ref _current, connection);
                if (everConnected)
                {
                    LogReconnected(index, endpoint, failedAttempts);
                }
                else
                {
                    LogConnected(index, endpoint);
                }
                everConnected = true;
                failedAttempts = 0;
                if (firstAttempt)
                {
                    firstAttempt = false;
                    pool.FirstAttemptEnded(connected: true);
                }

                Exception reason;
                using (stop.UnsafeRegister(static state => ((RedisConnection)state!).Close(new RedisConnectionException("The Redis client was disposed.")), connection))
                {
                    reason = await connection.Closed.ConfigureAwait(false);
                }
                Volatile.Write(ref _current, null);
                await connection.Stopped.ConfigureAwait(false);
                if (stop.IsCancellationRequested)
                {
                    break;
                }

                pool.RecordFailure(reason);
                // A connection that never answered (a port that accepts but does not speak Redis, a server that drops
                // every new client) must not reset the backoff, or it would be reconnected to at the minimum delay forever.
                if (connection.HasAnswered)
                {
                    _backoff.Reset();
                }
                var delay = _backoff.Next();
                LogDisconnected(index, endpoint, (long)delay.TotalMilliseconds, reason.Message);
                await Task.Delay(delay, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Disposed while connecting or waiting to reconnect.
        }
        catch (Exception exception)
        {
            // A bug, not an outage (those are all handled above): say so loudly rather than fault the client's disposal.
            Volatile.Write(ref _current, null);
            LogLoopFailed(index, endpoint, exception);
        }
        finally
        {
            if (firstAttempt)
            {
                pool.FirstAttemptEnded(connected: false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Redis connection {Slot} to {Endpoint} stopped reconnecting after an unexpected error")]
    private partial void LogLoopFailed(int slot, RedisEndpoint endpoint, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection {Slot} to {Endpoint} is up")]
    private partial void LogConnected(int slot, RedisEndpoint endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis connection {Slot} to {Endpoint} is up again after {FailedAttempts} failed attempt(s)")]
    private partial void LogReconnected(int slot, RedisEndpoint endpoint, int failedAttempts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection {Slot} to {Endpoint} failed, retrying in {DelayMs} ms: {Reason}")]
    private partial void LogConnectFailed(int slot, RedisEndpoint endpoint, long delayMs, string reason);

    // Debug: one warning per outage is enough; the retries that follow it would flood the log at the maximum delay.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Redis connection {Slot} to {Endpoint} failed again ({FailedAttempts} attempts), retrying in {DelayMs} ms: {Reason}")]
    private partial void LogConnectStillFailing(int slot, RedisEndpoint endpoint, int failedAttempts, long delayMs, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis connection {Slot} to {Endpoint} lost, reconnecting in {DelayMs} ms: {Reason}")]
    private partial void LogDisconnected(int slot, RedisEndpoint endpoint, long delayMs, string reason);
}
