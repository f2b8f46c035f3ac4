namespace PredictionCluster.Grains.Interfaces;

/// <summary>How one prediction ended. Expected outcomes are values, not exceptions.</summary>
[GenerateSerializer]
[Alias("prediction.status")]
public enum PredictionStatus
{
    /// <summary>Scores are present.</summary>
    Ok = 0,

    /// <summary>
    /// The engine refused the text's request: it would wait past the queueing budget (or the queue is full, or the
    /// silo is draining). Nothing was computed; the caller should back off for <see cref="PredictionResult.RetryAfter"/>.
    /// </summary>
    Overloaded = 1,

    /// <summary>
    /// The key names a model this silo does not serve (a rolling upgrade): the caller learns the cluster's
    /// model again and asks with a new key.
    /// </summary>
    ModelMismatch = 2,

    /// <summary>The model produced an infinite or NaN score for the text (nothing cached).</summary>
    NonFiniteScore = 3,

    /// <summary>Running the model on the batch that held the text failed (nothing cached).</summary>
    ModelRunFailed = 4,

    /// <summary>The silo's inference engine stopped after an internal error; the silo reports itself unready.</summary>
    InferenceStopped = 5,
}
