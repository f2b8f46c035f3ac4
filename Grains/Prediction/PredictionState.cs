using System.Collections.Immutable;

namespace PredictionCluster.Grains.Prediction;

/// <summary>
/// What grain storage keeps of a PredictionGrain: the scores alone. Written with the Orleans binary serializer
/// (about 160 bytes of Redis per key, where the default JSON with type names costs about 440).
/// </summary>
[GenerateSerializer]
[Alias("prediction.state")]
public sealed class PredictionState
{
    [Id(0)]
    public ImmutableArray<float> Scores { get; set; }
}
