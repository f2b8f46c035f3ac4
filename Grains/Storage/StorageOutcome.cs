namespace PredictionCluster.Grains.Storage;

/// <summary>How one call to the predictions' grain storage ended (<see cref="GuardedGrainStorage"/>).</summary>
public enum StorageOutcome
{
    /// <summary>Redis answered: the read found the key or not, the write stored it.</summary>
    Done,

    /// <summary>A write found the key already stored by another activation (Redis answered).</summary>
    Conflict,

    /// <summary>No answer within the call's budget: given up (the command itself runs on until Redis' own timeout).</summary>
    TimedOut,

    /// <summary>Redis or the connection failed the call.</summary>
    Failed,

    /// <summary>Not sent: the breaker is open (Redis did not answer lately) and this call was not its probe.</summary>
    CircuitOpen,

    /// <summary>Given up because its caller stopped waiting (the silo is stopping).</summary>
    Abandoned,
}
