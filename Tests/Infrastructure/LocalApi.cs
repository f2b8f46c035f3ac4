using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Tests.Infrastructure;

/// <summary>
/// An API host of a <see cref="LocalCluster"/> started beside its own: its host, an HTTP client of it, and the host's
/// start, which lasts until its Orleans client reaches a gateway (maybe never: silos that refuse it).
/// </summary>
public sealed class LocalApi(WebApplication host, HttpClient client, Task started) : IAsyncDisposable
{
    public WebApplication Host { get; } = host;

    public HttpClient Client { get; } = client;

    /// <summary>Completes when the host has started, i.e. its Orleans client is connected.</summary>
    public Task Started { get; } = started;

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        // Stopping cancels a start still waiting for a gateway.
        Host.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();
        try
        {
            await Started.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is OperationCanceledException or TimeoutException || Started.IsFaulted)
        {
        }
        await Host.StopAsync();
        await Host.DisposeAsync();
    }
}
