namespace Grains.Interfaces;

/// <summary>One text to score, with the key the caller computed for it.</summary>
public readonly record struct PredictionItem(PredictionKey Key, string Text);
