namespace Grains.Storage;

/// <summary>
/// Grain storage of the predictions (section <c>Storage</c>). In Redis, Orleans keeps each as a hash at
/// <c>{ServiceId}/state/{grain type}/{grain key}/scores</c>; the grain key starts with the model id, so models never mix.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.None;

    /// <summary>How long Redis keeps a result after it was computed; zero keeps it until evicted.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(1);
}
