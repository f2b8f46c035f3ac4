using PredictionCluster.Grains.Prediction;

namespace PredictionCluster.Grains.Storage;

/// <summary>
/// Asks Redis, through the breaker, whether it answers again while the breaker is open, so that the breaker closes
/// by itself even when no new text comes to try it: Polly's breaker only lets a probe through on a call. The probe reads
/// a key no prediction uses (a miss, no side effect). Also warms the storage path up at start, so that the first new
/// texts do not spend their read budget compiling it.
/// </summary>
internal sealed class StorageProbe(GuardedGrainStorage storage, StorageCircuit circuit, TimeProvider time)
{
    /// <summary>
    /// How often an open breaker is tried: a call before its break is over is refused at once without reaching Redis,
    /// so this only bounds how late after the break the probe goes.
    /// </summary>
    internal static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>Time enough for a first call to compile its path on a loaded machine; Redis answers in far less.</summary>
    private static readonly TimeSpan WarmupBudget = TimeSpan.FromSeconds(1);

    /// <summary>Stored under Orleans' own key layout (not a prediction's key), which no grain writes.</summary>
    private static readonly GrainId ProbeGrain = GrainId.Create("prediction-storage-probe", "probe");

    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.ReadAsync(ProbeGrain, new GrainState<PredictionState>(), WarmupBudget, cancellationToken);
        _loop = Task.Run(ProbeLoopAsync);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _loop;
    }

    private async Task ProbeLoopAsync()
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                if (circuit.IsOpen)
                {
                    await storage.ReadAsync(ProbeGrain, new GrainState<PredictionState>(), _stop.Token);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The silo stops.
        }
    }
}
