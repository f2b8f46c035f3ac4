using System.Globalization;
using Tests.EndToEnd;
using Tests.Infrastructure;

namespace Tests.Dashboard;

/// <summary>
/// The API as its own process with an operator key and trusted proxies on loopback and, when the machine has one, on a
/// <see cref="NonLoopbackAddress"/> it also listens on: requests from either carry an <c>X-Forwarded-For</c> the
/// forwarded-headers middleware believes.
/// </summary>
public sealed class TrustedProxyDashboardFixture : IAsyncLifetime
{
    public const string Key = "operator-key-behind-a-proxy-7c21e0";

    private ServerProcess? _server;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>The API's address beyond loopback (null without a <see cref="NonLoopbackAddress"/>).</summary>
    public Uri? BeyondLoopback { get; private set; }

    public string[] ErrorLines => Server.Output.Split('\n').Where(l => l.Contains("fail:") || l.Contains("crit:")).ToArray();

    public async Task InitializeAsync()
    {
        var loopback = new Uri($"http://127.0.0.1:{FreePort.Reserve().ToString(CultureInfo.InvariantCulture)}/");
        List<string> urls = [loopback.ToString().TrimEnd('/')];
        List<string> arguments = [$"--Model:Path={RepositoryPaths.LexiconModel}", $"--Dashboard:OperatorKey={Key}", "--ForwardedHeaders:KnownNetworks:0=127.0.0.1/32"];
        if (NonLoopbackAddress.Find is { } address)
        {
            BeyondLoopback = new Uri($"http://{address}:{FreePort.Reserve().ToString(CultureInfo.InvariantCulture)}/");
            urls.Add(BeyondLoopback.ToString().TrimEnd('/'));
            arguments.Add($"--ForwardedHeaders:KnownNetworks:1={address}/32");
        }
        _server = ServerProcess.Start(ServerProcess.ApiAssembly, loopback, ["--urls", string.Join(';', urls), .. arguments]);
        if (!await _server.WaitReadyAsync(TimeSpan.FromSeconds(60)))
        {
            throw new InvalidOperationException($"The API did not get ready:\n{_server.Output}");
        }
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
