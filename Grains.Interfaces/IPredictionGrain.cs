using Orleans.Concurrency;

namespace PredictionCluster.Grains.Interfaces;

/// <summary>
/// The owner of one text's prediction under one model: its state (the scores) is the cluster's cache
/// entry for that text, persisted in grain storage. Keyed by <see cref="PredictionGrainKey"/>.
/// Calls are turn-based, so concurrent asks for a new text share one inference.
/// </summary>
[Alias("prediction-grain")]
public interface IPredictionGrain : IGrainWithStringKey
{
    /// <summary>
    /// The scores of <paramref name="text"/>, whose key is this grain's. The text travels with every call so
    /// that a miss needs no second round trip; it is used only when nothing is cached. <paramref name="ticket"/>
    /// names the request the text is part of, for the engine's admission (see <see cref="AdmissionTicket"/>).
    /// </summary>
    [Alias("predict")]
    ValueTask<PredictionResult> PredictAsync(string text, AdmissionTicket ticket, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether a <see cref="PredictAsync"/> call is running in this grain now; answered at once, even while one runs.
    /// The API asks when a call takes long: a silo that computes answers true; a paused or cut-off one does not answer;
    /// false means the call never got here (it is stuck on another path, such as a paused gateway) and can be repeated.
    /// </summary>
    [AlwaysInterleave]
    [Alias("probe")]
    ValueTask<bool> ProbeAsync();
}
