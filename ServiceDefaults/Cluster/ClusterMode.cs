namespace PredictionCluster.ServiceDefaults.Cluster;

/// <summary>How a process finds the cluster (<c>Cluster:Mode</c>).</summary>
public enum ClusterMode
{
    /// <summary>One process: the API co-hosts a silo that clusters with nothing (localhost clustering).</summary>
    Embedded = 0,

    /// <summary>Silos register in Redis (Orleans' Redis clustering); the API is a client of their gateways.</summary>
    Redis = 1,
}
