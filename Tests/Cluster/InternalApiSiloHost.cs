using System.Net;
using Grains.Hosting;
using Grains.Interfaces;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Silo.Internal;
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
        // The content root is Silo/, so the silo's own appsettings.json applies; tests override what they need.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            EnvironmentName = "Testing",
            ContentRootPath = Path.Combine(RepositoryPaths.Root, "Silo"),
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Model:Path"] = RepositoryPaths.DefaultModel,
            ["Cluster:Key"] = ClusterKey,
            ["Inference:IntraOpThreads"] = "2",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddPredictionSilo(builder.Configuration).AddInternalApi(builder.Configuration);

        _app = builder.Build();
        _app.MapInternalApi();
        await _app.StartAsync();
        string address = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        Address = new Uri(address.EndsWith('/') ? address : address + "/");
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
