using PredictionCluster.Grains.Storage;

namespace PredictionCluster.Grains.Hosting;

/// <summary>
/// Starts the predictions' background writer and breaker probe once grain storage has connected, and stops them after
/// a stopping silo has deactivated its grains (no more writes come) but before grain storage closes its connection, so
/// that what is queued can still be written (<see cref="PredictionStorageWriter.DrainTimeout"/>).
/// </summary>
internal sealed class PredictionStorageLifecycle(PredictionStorageWriter writer, StorageProbe probe) : ILifecycleParticipant<ISiloLifecycle>
{
    /// <summary>Just above Orleans' Redis grain storage (<see cref="ServiceLifecycleStage.ApplicationServices"/>), below the grains' (BecomeActive).</summary>
    internal const int Stage = ServiceLifecycleStage.ApplicationServices + 1;

    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(PredictionStorageWriter), Stage, StartAsync, StopAsync);

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await probe.StartAsync(cancellationToken);
        writer.Start();
    }

    private async Task StopAsync(CancellationToken cancellationToken)
    {
        await writer.StopAsync(cancellationToken);
        await probe.StopAsync();
    }
}
