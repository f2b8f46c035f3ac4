namespace Grains.Storage;

/// <summary>Grain storage settings (section <c>Storage</c>); <c>Storage:Memory</c> holds the memory store's own.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    public StorageProvider Provider { get; set; } = StorageProvider.Memory;

    /// <summary>Redis keys are <c>{KeyPrefix}{model id}:{key hex}</c>; the model id keeps models apart.</summary>
    public string KeyPrefix { get; set; } = "prediction:";

    /// <summary>How long Redis keeps a result after it was computed; zero keeps it until evicted.</summary>
    public TimeSpan TimeToLive { get; set; } = TimeSpan.FromDays(1);
}
