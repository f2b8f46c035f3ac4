using System.ComponentModel.DataAnnotations;

namespace Grains.Storage;

/// <summary>Bounds of the in-memory grain storage. Section <c>Storage:Memory</c>.</summary>
public sealed class MemoryStoreOptions
{
    public const string SectionName = "Storage:Memory";

    /// <summary>Entries kept at most; past it a random tenth is dropped (keys are uniform hashes).</summary>
    [Range(1, int.MaxValue)]
    public int Capacity { get; set; } = 1_000_000;
}
