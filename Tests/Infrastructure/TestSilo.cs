using Microsoft.Extensions.DependencyInjection;
using Grains.Inference.Batching;
using Grains.Prediction;
using Microsoft.AspNetCore.Builder;

namespace Tests.Infrastructure;

/// <summary>One silo of a <see cref="TestCluster"/>, with its counters at hand.</summary>
public sealed class TestSilo(string id, WebApplication app, Uri address, Uri internalAddress) : IAsyncDisposable
{
    private bool _stopped;

    public string Id { get; } = id;

    /// <summary>The public (health) endpoint.</summary>
    public Uri Address { get; } = address;

    /// <summary>The internal (HTTP/2, cluster key) endpoint the API calls.</summary>
    public Uri InternalAddress { get; } = internalAddress;

    public IServiceProvider Services => app.Services;

    /// <summary>Texts this silo ran through the model.</summary>
    public long Inferences => Services.GetRequiredService<InferenceMetrics>().TextCount;

    public PredictionMetrics Predictions => Services.GetRequiredService<PredictionMetrics>();

    public ActivationTable Activations => Services.GetRequiredService<ActivationTable>();

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
