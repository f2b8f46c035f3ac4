using System.Buffers;

namespace Inference.Batching;

/// <summary>
/// One text waiting in the batch queue: its token ids (a rented buffer, returned by whoever drops or
/// runs the request) and the caller's completion.
/// </summary>
internal sealed class InferenceRequest
{
    private CancellationTokenRegistration _registration;

    public InferenceRequest(long[] tokenIds, int length, CancellationToken cancellationToken)
    {
        TokenIds = tokenIds;
        Length = length;
        if (cancellationToken.CanBeCanceled)
        {
            // A caller that gives up is answered now; the batch loop drops it later without running it.
            _registration = cancellationToken.UnsafeRegister(static (state, token) => ((InferenceRequest)state!).Completion.TrySetCanceled(token), this);
        }
    }

    /// <summary>Rented from <see cref="ArrayPool{T}.Shared"/>; the first <see cref="Length"/> entries are valid.</summary>
    public long[] TokenIds { get; }

    public int Length { get; }

    /// <summary>Batches formed without this text while it was staged (the batcher's fairness clock).</summary>
    public int PassedOver { get; set; }

    /// <summary>Softmax scores; continuations run asynchronously so the inference thread never runs caller code.</summary>
    public TaskCompletionSource<float[]?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True when the caller no longer waits (cancelled), so running it would be wasted work.</summary>
    public bool IsAbandoned => Completion.Task.IsCompleted;

    /// <summary>Releases the token buffer and the cancellation registration; call exactly once.</summary>
    public void Release()
    {
        _registration.Dispose();
        ArrayPool<long>.Shared.Return(TokenIds);
    }
}
