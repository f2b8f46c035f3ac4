namespace PredictionCluster.Grains.Interfaces;

/// <summary>
/// The string key of a <see cref="IPredictionGrain"/>: <c>{model id}/{SHA-256 of model id and text, hex}</c>.
/// The model id stands in clear so that placement can put a grain only on a silo serving its model, and a
/// silo can refuse a key of another model.
/// </summary>
public static class PredictionGrainKey
{
    public const char Separator = '/';

    public static string Format(string modelId, PredictionKey key) => string.Concat(modelId, "/", key.ToString());

    /// <summary>The model id part of a grain key (empty when the key has none).</summary>
    public static ReadOnlySpan<char> ModelIdOf(ReadOnlySpan<char> grainKey)
    {
        int separator = grainKey.IndexOf(Separator);
        return separator < 0 ? [] : grainKey[..separator];
    }
}
