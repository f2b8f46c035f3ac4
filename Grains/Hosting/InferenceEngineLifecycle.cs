using PredictionCluster.Inference;
using PredictionCluster.Grains.Inference;

namespace PredictionCluster.Grains.Hosting;

/// <summary>
/// Starts the <see cref="InferenceEngine"/> early in the silo's lifecycle and stops it late: it runs before
/// grains can be activated and keeps running while a stopping silo deactivates them, so calls already on
/// their way finish, and a stopping silo never answers "overloaded" for a queue it closed itself. (As a
/// hosted service it would stop before the silo, while grains still take calls.)
/// </summary>
internal sealed class InferenceEngineLifecycle(InferenceEngine engine) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(InferenceEngine), ServiceLifecycleStage.RuntimeInitialize, engine.StartAsync, engine.StopAsync);
}
