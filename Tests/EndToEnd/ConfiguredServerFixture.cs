using Tests.Infrastructure;

namespace Tests.EndToEnd;

/// <summary>
/// The API as its own process (real Kestrel, real HTTP) over the lexicon model, with <see cref="Arguments"/> on top:
/// one subclass per configuration under test.
/// </summary>
public abstract class ConfiguredServerFixture : IAsyncLifetime
{
    private ServerProcess? _server;

    public ServerProcess Server => _server ?? throw new InvalidOperationException("The server has not started.");

    /// <summary>Lines the server logged at Error or Critical (simple console format: "fail:" and "crit:").</summary>
    public string[] ErrorLines => Server.Output.Split('\n').Where(l => l.Contains("fail:") || l.Contains("crit:")).ToArray();

    protected virtual IEnumerable<string> Arguments() => [];

    public virtual async Task InitializeAsync()
    {
        _server = ServerProcess.Start([$"--Model:Path={RepositoryPaths.LexiconModel}", .. Arguments()]);
        if (!await _server.WaitReadyAsync(TimeSpan.FromSeconds(60)))
        {
            throw new InvalidOperationException($"The API did not get ready:\n{_server.Output}");
        }
    }

    public virtual async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

