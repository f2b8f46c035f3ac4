namespace Grains.Interfaces;

/// <summary>How one prediction ended. Expected outcomes are values, not exceptions.</summary>
public enum PredictionStatus
{
    /// <summary>Scores are present.</summary>
    Ok = 0,

    /// <summary>The inference queue was full: the caller should back off and retry.</summary>
    Overloaded = 1,
}
