using Grains.Interfaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Silo.Hosting;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>
/// A real silo in this process serving its internal API over HTTP/2 cleartext only (prior knowledge) on a
/// free loopback port, over the default model: the far end of <see cref="Api.Routing.SiloClient"/> in tests.
/// Shared by a test class as a fixture (loading the model takes a while), or started alone to be stopped.
/// </summary>
public sealed class InternalApiSiloHost : IAsyncLifetime
{
    public const string ClusterKey = "transport-tests-cluster-key";

    private WebApplication? _app;
    private bool _stopped;

    /// <summary>Base address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Address { get; private set; } = null!;

    /// <summary>The silo behind the endpoint, for in-process comparisons.</summary>
    public IPredictionSilo Silo => App.Services.GetRequiredService<IPredictionSilo>();

    public WebApplication App => _app ?? throw new InvalidOperationException("The silo host is not started.");

    public async Task InitializeAsync()
    {
        // The silo host as Silo.dll builds it, alone: no membership, grain storage in memory.
        int internalPort = FreePort.Reserve();
        _app = SiloHost.Build(["--contentRoot", Path.Combine(RepositoryPaths.Root, "Silo"), "--environment", "Testing"], new Dictionary<string, string?>
        {
            ["Model:Path"] = RepositoryPaths.DefaultModel,
            ["Cluster:Key"] = ClusterKey,
            ["Membership:Provider"] = "None",
            ["Storage:Provider"] = "Memory",
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{FreePort.Reserve()}",
            ["Kestrel:Endpoints:Internal:Url"] = $"http://127.0.0.1:{internalPort}",
            ["Inference:IntraOpThreads"] = "2",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await _app.StartAsync();
        Address = new Uri($"http://127.0.0.1:{internalPort}/");
    }

    /// <summary>Stops the server (in-flight calls finish, new ones are refused), as a silo shutting down does.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await App.StopAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await StopAsync();
            await _app.DisposeAsync();
        }
    }
}
