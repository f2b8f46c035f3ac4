namespace Inference.Batching;

/// <summary>
/// What the engine made of one text: its softmax scores, or a refusal at admission (the engine is overloaded)
/// with how long the work now ahead is expected to take, for the caller's Retry-After.
/// </summary>
public readonly record struct InferenceOutcome(float[]? Scores, TimeSpan RetryAfter)
{
    /// <summary>Refused at admission: nothing was queued or computed.</summary>
    public bool IsRefused => Scores is null;

    public static InferenceOutcome Scored(float[] scores) => new(scores, TimeSpan.Zero);

    public static InferenceOutcome Refused(TimeSpan retryAfter) => new(null, retryAfter);
}
