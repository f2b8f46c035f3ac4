using Redis.Protocol;

namespace Redis.Connections;

/// <summary>
/// The task source of one command with result <typeparamref name="T"/>: the pending-reply queue entry and the
/// caller's task in one object. Continuations run asynchronously, so no caller code ever runs on (and stalls)
/// a connection's reader.
/// </summary>
internal sealed class PendingReply<T> : TaskCompletionSource<T>, IPendingReply
{
    private readonly Func<RespValue, T> _convert;
    private CancellationTokenRegistration _cancellation;

    public PendingReply(string command, Func<RespValue, T> convert)
        : base(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        Command = command;
        _convert = convert;
    }

    public string Command { get; }

    public long QueuedAt { get; set; }

    public RedisMetrics? Metrics { get; set; }

    Task IPendingReply.Task => Task;

    /// <summary>
    /// Cancels the task when <paramref name="cancellationToken"/> fires. The command itself stays queued: its reply
    /// is still read (and dropped), which keeps the connection's replies in step with its commands.
    /// Call before the command is handed to a connection, so that completion always sees the registration.
    /// </summary>
    public void CancelWhen(CancellationToken cancellationToken)
    {
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.UnsafeRegister(static (state, token) => ((PendingReply<T>)state!).TrySetCanceled(token), this);
        }
    }

    public void Complete(in RespValue reply)
    {
        Metrics?.RecordReply(Command, QueuedAt);
        if (!Task.IsCompleted)
        {
            if (reply.Type == RespType.Error)
            {
                var error = new RedisServerException(reply.Text!);
                Metrics?.RecordFailure(error);
                TrySetException(error);
            }
            else
            {
                SetConverted(reply);
            }
        }
        // Unregister, not Dispose: it never waits for a callback running on another thread.
        _cancellation.Unregister();
    }

    public void Fail(Exception exception)
    {
        // A command already cancelled by its caller still counts: the failure is Redis's, not the caller's.
        Metrics?.RecordFailure(exception);
        TrySetException(exception);
        _cancellation.Unregister();
    }

    public void Cancel(CancellationToken cancellationToken) => TrySetCanceled(cancellationToken);

    private void SetConverted(in RespValue reply)
    {
        T result;
        try
        {
            result = _convert(reply);
        }
        catch (Exception exception)
        {
            // A reply of the wrong shape fails this command only: it was read whole, the stream is still in step.
            Metrics?.RecordFailure(exception);
            TrySetException(exception);
            return;
        }
        TrySetResult(result);
    }
}
