namespace Grains.Storage;

/// <summary>
/// Grain storage of the predictions (section <c>Storage</c>). In Redis, Orleans keeps each as a hash (its etag and
/// the serialized scores) under <see cref="PredictionRedisKey"/>: service id, model id, then the text's hash, so
/// models never mix.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.None;

    /// <summary>How long Redis keeps a result after it was computed; zero keeps it until evicted.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(1);
}
