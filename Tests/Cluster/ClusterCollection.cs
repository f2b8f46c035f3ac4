namespace Tests.Cluster;

/// <summary>Cluster tests run one at a time: each starts Redis, several silos and an API with timing-sensitive membership.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "Cluster";
}
