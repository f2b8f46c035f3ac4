namespace PredictionCluster.Grains.Interfaces;

/// <summary>
/// What callers need to know of the served model: its content id (part of every key), label names in output order,
/// its token limit, and the batch limits of the silo that answered (shown by <c>GET /info</c>; 0 from a silo of a
/// version before they were sent), and the model's drift reference when its directory has one (null otherwise, and
/// from a silo of a version before it was sent: the API then exports no drift figures).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("prediction.model-descriptor")]
public sealed record ModelDescriptor(
    [property: Id(0)] string ModelId,
    [property: Id(1)] IReadOnlyList<string> Labels,
    [property: Id(2)] int MaxTokens,
    [property: Id(3)] int MaxBatchSize = 0,
    [property: Id(4)] int MaxBatchTokens = 0,
    [property: Id(5)] ModelReference? Reference = null);
