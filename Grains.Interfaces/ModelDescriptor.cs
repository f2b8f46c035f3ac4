namespace Grains.Interfaces;

/// <summary>What callers need to know of the served model: its content id (part of every key) and label names in output order.</summary>
public sealed record ModelDescriptor(string ModelId, IReadOnlyList<string> Labels, int MaxTokens);
