using Tests.Infrastructure;

namespace Tests.EndToEnd;

/// <summary>The API over the default model as its own process (real Kestrel), started once for a test class.</summary>
public sealed class ApiServerFixture : IAsyncLifetime
{
    private ServerProcess? _server;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Lines the server logged at Error or Critical (simple console format: "fail:" and "crit:").</summary>
    public string[] ErrorLines => Server.Output.Split('\n').Where(l => l.Contains("fail:") || l.Contains("crit:")).ToArray();

    public async Task InitializeAsync()
    {
        _server = ServerProcess.Start($"--Model:Path={RepositoryPaths.DefaultModel}");
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
