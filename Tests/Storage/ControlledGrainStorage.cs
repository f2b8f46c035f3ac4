using System.Collections.Concurrent;
using Orleans.Storage;

namespace Tests.Storage;

/// <summary>
/// A grain storage whose answers the test decides: it answers (keeping what is written), hangs (as a Redis paused with
/// SIGSTOP: nothing answers until <see cref="Answer"/>), or fails every call. Counts the calls that reached it.
/// </summary>
public sealed class ControlledGrainStorage : IGrainStorage
{
    private readonly ConcurrentDictionary<GrainId, object?> _stored = new();
    private readonly object _lock = new();
    private TaskCompletionSource _released = Released();
    private bool _failing;
    private int _pending;
    private int _reads;
    private int _writes;

    /// <summary>Writes that reached storage and were kept.</summary>
    public int Stored => _stored.Count;

    /// <summary>Calls waiting for an answer (while hanging).</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Reads that reached storage.</summary>
    public int Reads => Volatile.Read(ref _reads);

    /// <summary>Writes that reached storage, answered or not.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>From now on calls wait until <see cref="Answer"/>.</summary>
    public void Hang()
    {
        lock (_lock)
        {
            if (_released.Task.IsCompleted)
            {
                _released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    /// <summary>Calls fail at once (a connection refused).</summary>
    public void Fail() => Volatile.Write(ref _failing, true);

    /// <summary>Answers the calls waiting and every call from now on.</summary>
    public void Answer()
    {
        Volatile.Write(ref _failing, false);
        lock (_lock)
        {
            _released.TrySetResult();
        }
    }

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Interlocked.Increment(ref _reads);
        await WaitForAnswerAsync();
        if (_stored.TryGetValue(grainId, out var state))
        {
            grainState.State = (T)state!;
            grainState.ETag = "stored";
            grainState.RecordExists = true;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        Interlocked.Increment(ref _writes);
        await WaitForAnswerAsync();
        if (!_stored.TryAdd(grainId, grainState.State))
        {
            throw new InconsistentStateException("stored by another activation", "stored", grainState.ETag);
        }
        grainState.ETag = "stored";
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => throw new NotSupportedException();

    private async Task WaitForAnswerAsync()
    {
        Task released;
        lock (_lock)
        {
            released = _released.Task;
        }
        Interlocked.Increment(ref _pending);
        try
        {
            await released;
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
        if (Volatile.Read(ref _failing))
        {
            throw new InvalidOperationException("storage refused the call");
        }
    }

    private static TaskCompletionSource Released()
    {
        var released = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        released.SetResult();
        return released;
    }
}
