namespace PredictionCluster.Grains.Interfaces;

/// <summary>
/// The served model's answers on its reference set (the model directory's <c>reference.json</c>), as the API needs them
/// to tell prediction drift: texts per top label (in the model's label order), and texts per top-score bucket with
/// the buckets' upper bounds (one count per bound, then one above the last).
/// </summary>
[GenerateSerializer, Immutable]
[Alias("prediction.model-reference")]
public sealed record ModelReference(
    [property: Id(0)] IReadOnlyList<long> LabelCounts,
    [property: Id(1)] IReadOnlyList<double> ScoreBounds,
    [property: Id(2)] IReadOnlyList<long> ScoreCounts);
