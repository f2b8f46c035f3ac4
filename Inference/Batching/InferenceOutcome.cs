namespace PredictionCluster.Inference.Batching;

/// <summary>
/// What the engine made of one text: its softmax scores, or a refusal at admission (the engine is overloaded)
/// with how long the work now ahead is expected to take, for the caller's Retry-After.
/// </summary>
public readonly record struct InferenceOutcome(float[]? Scores, TimeSpan RetryAfter)
{
    /// <summary>Refused at admission: nothing was queued or computed.</summary>
    public bool IsRefused => Scores is null;

    /// <summary>From admission to the start of the text's batch run (queueing and batch forming).</summary>
    public TimeSpan Queued { get; init; }

    /// <summary>The text's batch run: tensor filling excluded, the model's run itself.</summary>
    public TimeSpan Run { get; init; }

    public static InferenceOutcome Scored(float[] scores, TimeSpan queued, TimeSpan run) => new(scores, TimeSpan.Zero) { Queued = queued, Run = run };

    public static InferenceOutcome Refused(TimeSpan retryAfter) => new(null, retryAfter);
}
