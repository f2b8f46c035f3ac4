using Microsoft.AspNetCore.Builder;

namespace Tests.Infrastructure;

/// <summary>One silo of a <see cref="LocalCluster"/>: its host and its HTTP address (health, metrics).</summary>
public sealed class LocalSilo(string name, WebApplication host, Uri httpAddress) : IAsyncDisposable
{
    private bool _stopped;

    public string Name { get; } = name;

    public WebApplication Host { get; } = host;

    public Uri HttpAddress { get; } = httpAddress;

    public IServiceProvider Services => Host.Services;

    /// <summary>Stops the silo gracefully (it leaves the cluster, then its host ends).</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        await Host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await Host.DisposeAsync();
    }
}
