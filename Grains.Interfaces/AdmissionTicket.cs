namespace PredictionCluster.Grains.Interfaces;

/// <summary>
/// Travels with every text of one API request (PredictionGrain, then InferenceGrain, then the engine) so that the
/// engine admits or refuses the request as a whole: the first of its texts to arrive decides for
/// <see cref="Texts"/> texts. An explicit argument rather than Orleans' <c>RequestContext</c>: it is part of the
/// contract, typed, and cannot leak into other calls a grain makes. <see cref="None"/>: a text on its own.
/// </summary>
[GenerateSerializer, Immutable]
[Alias("prediction.admission-ticket")]
public readonly record struct AdmissionTicket(
    [property: Id(0)] Guid RequestId,
    [property: Id(1)] int Texts)
{
    public static AdmissionTicket None => default;

    /// <summary>A new ticket for a request of <paramref name="texts"/> texts needing a prediction.</summary>
    public static AdmissionTicket ForRequest(int texts) => new(Guid.NewGuid(), texts);
}
