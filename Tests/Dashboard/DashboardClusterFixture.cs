using Tests.Infrastructure;

namespace Tests.Dashboard;

/// <summary>One 2-silo <see cref="LocalCluster"/> (silo-1, silo-2) shared by the dashboard's cluster-mode tests.</summary>
public sealed class DashboardClusterFixture : IAsyncLifetime
{
    public LocalCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await LocalCluster.StartAsync(silos: 2);

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
