namespace LoadRunner.Options;

/// <summary>One load run as the command line asked for it, validated (see <see cref="RunOptionsParser"/>).</summary>
internal sealed record RunOptions
{
    /// <summary>The service's base address; requests go to <see cref="PredictUrl"/>.</summary>
    public Uri Url { get; init; } = new("http://127.0.0.1:8000");

    public RunMode Mode { get; init; } = RunMode.ClosedLoop;

    /// <summary>Closed loop: concurrent virtual users.</summary>
    public int VirtualUsers { get; init; } = 10;

    /// <summary>Open loop: requests per second.</summary>
    public double Rate { get; init; }

    /// <summary>Open loop: requests outstanding at most; a request due while the cap is full is late.</summary>
    public int MaxInFlight { get; init; } = 1000;

    /// <summary>The measured window.</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Load before the measured window, same mode and rate, not measured (JIT, connections, server caches).</summary>
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>A request not answered in this time fails as a timeout.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Share of requests made of texts from the repeated pool; the others carry texts never sent before.</summary>
    public double CacheRate { get; init; } = 0.95;

    /// <summary>Distinct texts in the repeated pool.</summary>
    public int PoolSize { get; init; } = 100;

    /// <summary>Where sentences come from; null means the repository's SST-2 dev split.</summary>
    public string? TextsPath { get; init; }

    public int TextsPerRequest { get; init; } = 1;

    /// <summary>HTTP/2 (prior knowledge over cleartext) instead of HTTP/1.1.</summary>
    public bool Http2 { get; init; }

    /// <summary>Send every pool text once before the warmup so that repeated texts are cache hits.</summary>
    public bool Prime { get; init; } = true;

    /// <summary>Exit code 1 when any measured request failed.</summary>
    public bool FailOnErrors { get; init; }

    /// <summary><c>{Url}/predict</c>, or <see cref="Url"/> itself when it already names the endpoint.</summary>
    public Uri PredictUrl
    {
        get
        {
            string path = Url.AbsolutePath.TrimEnd('/');
            return new UriBuilder(Url) { Path = path.EndsWith("/predict", StringComparison.Ordinal) ? path : path + "/predict" }.Uri;
        }
    }
}
