namespace Grains.Interfaces;

/// <summary>What callers need to know of the served model: its content id (part of every key) and label names in output order.</summary>
[GenerateSerializer, Immutable]
[Alias("prediction.model-descriptor")]
public sealed record ModelDescriptor([property: Id(0)] string ModelId, [property: Id(1)] IReadOnlyList<string> Labels, [property: Id(2)] int MaxTokens);
