using PredictionCluster.Inference;
using System.Diagnostics.Metrics;
using PredictionCluster.Grains.Inference;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Tests.Infrastructure;

/// <summary>An InferenceEngine over a loaded model, started, with its metrics at hand; stops it on dispose.</summary>
public sealed class InferenceEngineHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    /// <param name="time">The engine's clock (a <c>FakeTimeProvider</c> lets a test decide how long batches take); the system's when null.</param>
    public InferenceEngineHarness(SentimentModel model, InferenceOptions options, TimeProvider? time = null)
    {
        Metrics = new InferenceMetrics(_services.GetRequiredService<IMeterFactory>());
        Engine = new InferenceEngine(model, Options.Create(options), Metrics, NullLogger<InferenceEngine>.Instance, time);
        Engine.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public InferenceEngine Engine { get; }

    public InferenceMetrics Metrics { get; }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Engine.StopAsync(timeout.Token);
        Engine.Dispose();
        await _services.DisposeAsync();
    }
}
