namespace Tests.Chaos;

/// <summary>
/// Fault tests measure latency (Tests/Chaos, and a frozen predictions' Redis in Tests/Storage): they run alone, after
/// the parallel collections, so that other tests' clusters do not take the two cores they measure on.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection
{
    public const string Name = "Chaos";
}
