using Tests.EndToEnd;

namespace Tests.Security;

/// <summary>
/// API keys from a list and from a file (as a mounted Secret gives them), and a rate limit of 1 request/s with a
/// burst of 5 per key. Each test uses its own key, so tests do not share a bucket.
/// </summary>
public sealed class ApiKeyServerFixture : ConfiguredServerFixture
{
    public const int PermitsPerSecond = 1;
    public const int Burst = 5;

    /// <summary>Keys from the list (ApiKeys:Keys).</summary>
    public static readonly string[] ListedKeys = ["listed-key-0123456789abcdef"];

    /// <summary>Keys from the file (ApiKeys:File), one per test that needs a bucket of its own.</summary>
    public static readonly string[] FileKeys = Enumerable.Range(0, 6).Select(i => $"file-key-{i}-{Guid.NewGuid():N}").ToArray();

    private readonly string _keyFile = Path.Combine(Path.GetTempPath(), $"api-keys-{Guid.NewGuid():N}");

    protected override IEnumerable<string> Arguments() =>
    [
        $"--ApiKeys:Keys:0={ListedKeys[0]}", $"--ApiKeys:File={_keyFile}",
        $"--RateLimit:PermitsPerSecond={PermitsPerSecond}", $"--RateLimit:Burst={Burst}",
    ];

    public override async Task InitializeAsync()
    {
        await File.WriteAllLinesAsync(_keyFile, ["# API keys, one a line", "", .. FileKeys]);
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_keyFile);
    }
}

/// <summary>
/// No API keys, a rate limit of 1 request/s with a burst of 5 per client IP, and one trusted proxy (127.0.0.2):
/// clients are told apart by the loopback address they connect from.
/// </summary>
public sealed class ClientIpServerFixture : ConfiguredServerFixture
{
    public const int Burst = 5;

    public static readonly System.Net.IPAddress TrustedProxy = System.Net.IPAddress.Parse("127.0.0.2");

    protected override IEnumerable<string> Arguments() =>
        ["--RateLimit:PermitsPerSecond=1", $"--RateLimit:Burst={Burst}", $"--ForwardedHeaders:KnownNetworks:0={TrustedProxy}/32"];
}

/// <summary>The API key tests and the per-key rate limit tests share one server (their keys keep their buckets apart).</summary>
[CollectionDefinition(Name)]
public sealed class ApiKeyServerCollection : ICollectionFixture<ApiKeyServerFixture>
{
    public const string Name = "API key server";
}

/// <summary>
/// No API keys, a rate limit of 1 request/s with a burst of 3 per client, at most <see cref="MaxClients"/> client
/// buckets, and loopback as the trusted proxy: each request names its client in X-Forwarded-For.
/// </summary>
public sealed class BoundedClientsServerFixture : ConfiguredServerFixture
{
    public const int Burst = 3;
    public const int MaxClients = 20;

    protected override IEnumerable<string> Arguments() =>
    [
        "--RateLimit:PermitsPerSecond=1", $"--RateLimit:Burst={Burst}", $"--RateLimit:MaxClients={MaxClients}",
        "--ForwardedHeaders:KnownNetworks:0=127.0.0.1/32",
    ];
}
