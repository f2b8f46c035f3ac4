namespace Tests.Infrastructure;

/// <summary>
/// Test classes that each run a <see cref="LocalCluster"/> (Redis, silos and the API in this process): one at a time,
/// so that two clusters do not share the machine's two cores and turn timeouts into flakes.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LocalClusterCollection
{
    public const string Name = "Local clusters";
}
