using System.Buffers;

namespace PredictionCluster.Inference.Batching;

/// <summary>
/// One admitted text waiting in the batch queue: its token ids (a rented buffer, returned by whoever drops or
/// runs the request), when it arrived, and the caller's completion.
/// </summary>
internal sealed class InferenceRequest
{
    private readonly AdmissionControl? _admission;
    private readonly AdmissionControl.RequestTicket? _ticket;
    private CancellationTokenRegistration _registration;
    /// <summary>1 once the text's work has been given back to admission (by a cancellation or by <see cref="Release"/>).</summary>
    private int _workReleased;

    /// <param name="arrivedAt">A <see cref="TimeProvider.GetTimestamp"/> of the engine's clock (the batcher's fairness clock).</param>
    /// <param name="fairTag">Its place among the requests sharing the engine (<see cref="AdmissionControl"/>'s virtual time, in tokens).</param>
    /// <param name="admission">Told when the text is done, so its work no longer counts as ahead of others.</param>
    /// <param name="ticket">The admitted request the text is part of (null: a text on its own).</param>
    public InferenceRequest(long[] tokenIds, int length, long arrivedAt, AdmissionControl? admission, CancellationToken cancellationToken,
        AdmissionControl.RequestTicket? ticket = null, long fairTag = 0)
    {
        TokenIds = tokenIds;
        Length = length;
        ArrivedAt = arrivedAt;
        FairTag = fairTag;
        _admission = admission;
        _ticket = ticket;
        if (cancellationToken.CanBeCanceled)
        {
            // A caller that gives up is answered now, and its work stops counting as ahead of others now (a refused
            // request's other texts are cancelled in a burst); the batch loop drops it later without running it.
            _registration = cancellationToken.UnsafeRegister(static (state, token) =>
            {
                var request = (InferenceRequest)state!;
                if (request.Completion.TrySetCanceled(token))
                {
                    request.ReleaseWork();
                }
            }, this);
        }
    }

    /// <summary>The request this text is part of; <see cref="Guid.Empty"/> for a text on its own.</summary>
    public Guid RequestId => _ticket?.RequestId ?? Guid.Empty;

    /// <summary>Rented from <see cref="ArrayPool{T}.Shared"/>; the first <see cref="Length"/> entries are valid.</summary>
    public long[] TokenIds { get; }

    public int Length { get; }

    /// <summary>When the text was admitted, on the engine's clock.</summary>
    public long ArrivedAt { get; }

    /// <summary>
    /// Start-time fair queuing's tag, in tokens of work: a text on its own gets the engine's virtual time when it
    /// arrives; the texts of a request of several follow one another by their cost. Among overdue texts the batcher
    /// serves the lowest tag first, so a small request is served beside a large one instead of after it.
    /// </summary>
    public long FairTag { get; }

    /// <summary>The outcome; continuations run asynchronously so the inference thread never runs caller code.</summary>
    public TaskCompletionSource<InferenceOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True when the caller no longer waits (cancelled), so running it would be wasted work.</summary>
    public bool IsAbandoned => Completion.Task.IsCompleted;

    /// <summary>Releases the token buffer, the cancellation registration and the admitted work; call exactly once.</summary>
    public void Release()
    {
        _registration.Dispose();
        ArrayPool<long>.Shared.Return(TokenIds);
        ReleaseWork();
    }

    private void ReleaseWork()
    {
        if (Interlocked.Exchange(ref _workReleased, 1) == 0)
        {
            _admission?.Release(Length, _ticket);
        }
    }
}
