using System.Diagnostics.Metrics;
using Grains.Inference;
using Grains.Inference.Batching;
using Grains.Inference.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Tests.Infrastructure;

/// <summary>An InferenceGrain over a loaded model, started, with its metrics at hand; stops it on dispose.</summary>
public sealed class InferenceGrainHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public InferenceGrainHarness(SentimentModel model, InferenceOptions options)
    {
        Metrics = new InferenceMetrics(_services.GetRequiredService<IMeterFactory>());
        Grain = new InferenceGrain(model, Options.Create(options), Metrics, NullLogger<InferenceGrain>.Instance);
        Grain.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public InferenceGrain Grain { get; }

    public InferenceMetrics Metrics { get; }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Grain.StopAsync(timeout.Token);
        Grain.Dispose();
        await _services.DisposeAsync();
    }
}
