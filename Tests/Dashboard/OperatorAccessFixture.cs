using System.Globalization;
using Tests.Infrastructure;

namespace Tests.Dashboard;

/// <summary>
/// A 1-silo <see cref="LocalCluster"/> whose API and silo both listen on loopback and, when the machine has one, on a
/// <see cref="NonLoopbackAddress"/> too, with <see cref="Key"/> as their operator key.
/// </summary>
public sealed class OperatorAccessFixture : IAsyncLifetime
{
    public const string Key = "operator-key-for-tests-4f1d9c";

    public LocalCluster Cluster { get; private set; } = null!;

    /// <summary>The API's address beyond loopback (null without a <see cref="NonLoopbackAddress"/>).</summary>
    public Uri? ApiBeyondLoopback { get; private set; }

    /// <summary>The silo's HTTP address beyond loopback.</summary>
    public Uri? SiloBeyondLoopback { get; private set; }

    public async Task InitializeAsync()
    {
        var settings = new Dictionary<string, string?> { ["Dashboard:OperatorKey"] = Key };
        var silo = new Dictionary<string, string?>(settings);
        var api = new Dictionary<string, string?>(settings);
        if (NonLoopbackAddress.Find is { } address)
        {
            SiloBeyondLoopback = Listen(silo, address);
            ApiBeyondLoopback = Listen(api, address);
        }
        Cluster = await LocalCluster.StartAsync(silos: 1, silo, api, RepositoryPaths.LexiconModel);
    }

    public Task DisposeAsync() => Cluster.DisposeAsync().AsTask();

    /// <summary>A client with no proxy: a request to this machine's own address must reach it directly.</summary>
    public static HttpClient ClientOf(Uri address) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

    private static Uri Listen(Dictionary<string, string?> settings, System.Net.IPAddress address)
    {
        var url = new Uri($"http://{address}:{FreePort.Reserve().ToString(CultureInfo.InvariantCulture)}");
        settings["Kestrel:Endpoints:BeyondLoopback:Url"] = url.ToString().TrimEnd('/');
        return url;
    }
}
