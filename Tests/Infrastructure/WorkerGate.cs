using PredictionCluster.Inference;

namespace Tests.Infrastructure;

/// <summary>
/// Holds the engine's workers inside their run (through its <c>BatchRunning</c> seam) until <see cref="Open"/>:
/// texts sent meanwhile queue behind a busy engine. <see cref="Entered"/> completes when a worker first waits here.
/// </summary>
public sealed class WorkerGate : IDisposable
{
    private readonly ManualResetEventSlim _open = new(false);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly InferenceEngine _engine;

    public WorkerGate(InferenceEngine engine)
    {
        _engine = engine;
        engine.BatchRunning = _ =>
        {
            _entered.TrySetResult();
            // Bounded, so a failing test cannot hang a worker thread forever.
            _open.Wait(TimeSpan.FromSeconds(60));
        };
    }

    public Task Entered => _entered.Task;

    public void Open() => _open.Set();

    public void Dispose()
    {
        _open.Set();
        _engine.BatchRunning = null;
    }
}
